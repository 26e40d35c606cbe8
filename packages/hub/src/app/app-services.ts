import { AuditRepository } from '../audit/audit-repository.ts';
import { AuditService } from '../audit/audit-service.ts';
import { AccountService } from '../auth/account-service.ts';
import { ApiTokensRepository } from '../auth/api-tokens-repository.ts';
import { AuthService } from '../auth/auth-service.ts';
import { RateLimitRepository } from '../auth/rate-limit-repository.ts';
import { RecoveryCodesRepository } from '../auth/recovery-codes-repository.ts';
import { SessionsRepository } from '../auth/sessions-repository.ts';
import { UsersRepository } from '../auth/users-repository.ts';
import type { HubConfig } from '../config/config.ts';
import { AppsService } from '../connections/apps-service.ts';
import type { ConnectionsDeps } from '../connections/connections-deps.ts';
import { ConnectionsService } from '../connections/connections-service.ts';
import { ExactAccess } from '../connections/exact-access.ts';
import { assembleFlows, type Flows } from '../flows/flows-assembly.ts';
import { JobQueue } from '../jobs/job-queue.ts';
import { type OpenPlatformOptions, openPlatform, type Platform } from '../platform/platform.ts';
import { RecentReads } from '../storage/recent-reads.ts';
import { listenForForgottenReads } from '../storage/recent-reads-listener.ts';
import { EmailSender } from '../watcher/alert-delivery.ts';
import { AlertsRepository } from '../watcher/alerts-repository.ts';
import { AlertsService } from '../watcher/alerts-service.ts';
import { FlowMetricsRepository } from '../watcher/flow-metrics-repository.ts';
import { RunsRepository } from '../watcher/runs-repository.ts';
import { WatcherService } from '../watcher/watcher-service.ts';
import { InvitationsRepository } from '../workspaces/invitations-repository.ts';
import { InvitationsService } from '../workspaces/invitations-service.ts';
import { WorkspacesRepository } from '../workspaces/workspaces-repository.ts';
import { WorkspacesService } from '../workspaces/workspaces-service.ts';
import type { Feature } from './feature.ts';

export interface Repositories {
  users: UsersRepository;
  sessions: SessionsRepository;
  recoveryCodes: RecoveryCodesRepository;
  apiTokens: ApiTokensRepository;
  rateLimits: RateLimitRepository;
  workspaces: WorkspacesRepository;
  invitations: InvitationsRepository;
}

/**
 * The application, built once per process from the configuration. `koppel server` serves it
 * over HTTP, `koppel worker` runs its jobs (and opens no port), `koppel start` does both;
 * tests build it directly. A new feature adds its service here and its routes, jobs and
 * doctor checks in features.ts.
 */
export interface AppServices {
  platform: Platform;
  repositories: Repositories;
  /** The typed job registry; every feature's jobs are registered before anything is sent. */
  jobs: JobQueue;
  auth: AuthService;
  account: AccountService;
  workspaces: WorkspacesService;
  invitations: InvitationsService;
  /** Exact apps, connections, tokens and SDK clients. */
  exact: ExactAccess;
  /** What the Exact half's services, jobs and checks are built from. */
  connectionsDeps: ConnectionsDeps;
  apps: AppsService;
  connections: ConnectionsService;
  /** Packages, flows, runs, destinations and Exact's webhooks for flows. */
  flows: Flows;
  /** Runs across flows, per-record errors, retry and resolve. */
  watcher: WatcherService;
  /** Alert rules, channels (e-mail, signed webhook) and incidents. */
  alerts: AlertsService;
  /** Who changed what. */
  audit: AuditService;
  /** The per-flow and per-stream series on /metrics. */
  flowMetrics: FlowMetricsRepository;
  /** The features whose routes, jobs and checks this process serves. */
  features: readonly Feature[];
  /** Stops the jobs and closes the database. */
  close(): Promise<void>;
}

export interface BuildAppServicesOptions extends OpenPlatformOptions {
  features: readonly Feature[];
  /** The fetch Exact's SDK clients use (default the global fetch). */
  fetch?: typeof fetch;
}

export async function buildAppServices(
  config: HubConfig,
  options: BuildAppServicesOptions,
): Promise<AppServices> {
  const platform = await openPlatform(config, options);
  const { db, clock, secrets, logger, publicUrl } = platform;
  // One for the repositories that read or change sessions, tokens, users and memberships; on
  // Postgres other processes share the database and tell each other what to forget.
  const { connectionString } = platform.database;
  const recent = new RecentReads(clock, { shared: connectionString !== undefined });
  const recentListener = connectionString
    ? await listenForForgottenReads(connectionString, recent, logger)
    : undefined;
  const repositories: Repositories = {
    users: new UsersRepository(db, recent),
    sessions: new SessionsRepository(db, recent),
    recoveryCodes: new RecoveryCodesRepository(db),
    apiTokens: new ApiTokensRepository(db, recent),
    rateLimits: new RateLimitRepository(db),
    workspaces: new WorkspacesRepository(db, recent),
    invitations: new InvitationsRepository(db),
  };
  const jobs = new JobQueue(platform.database, logger);
  const invitations = new InvitationsService({
    invitations: repositories.invitations,
    workspaces: repositories.workspaces,
    clock,
    publicUrl,
    ttlHours: config.invitationTtlHours,
  });
  const auth = new AuthService({
    db,
    clock,
    secrets,
    ...repositories,
    invitationLinks: invitations,
    sessionTtlHours: config.sessionTtlHours,
  });
  const exact = new ExactAccess({
    refreshExclusion: platform.database.kind === 'pglite' ? 'in-process' : 'lease',
    db,
    secrets,
    clock,
    logger,
    publicUrl,
    allowedBaseUrls: config.exactBaseUrls,
    ...(options.fetch ? { fetch: options.fetch } : {}),
  });
  const connectionsDeps: ConnectionsDeps = {
    exact,
    db,
    clock,
    logger,
    sessions: repositories.sessions,
    workspaces: repositories.workspaces,
  };
  const flows = assembleFlows({ platform, exact, queue: jobs });
  const email = new EmailSender(config.smtpUrl, config.smtpFrom);
  let closed = false;
  const services: AppServices = {
    platform,
    repositories,
    jobs,
    auth,
    account: new AccountService({ clock, secrets, ...repositories, auth }),
    workspaces: new WorkspacesService({
      db,
      workspaces: repositories.workspaces,
      creators: config.workspaceCreators,
    }),
    invitations,
    exact,
    connectionsDeps,
    apps: new AppsService(exact),
    connections: new ConnectionsService(connectionsDeps),
    flows,
    watcher: new WatcherService({
      runs: new RunsRepository(db),
      errors: flows.recordErrors,
      flows: flows.service,
    }),
    alerts: new AlertsService({
      repository: new AlertsRepository(db),
      email,
      secrets,
      clock,
      logger,
      thresholds: {
        failedRuns: config.alertFailedRuns,
        staleHours: config.alertStaleHours,
        budgetPercent: config.alertBudgetPercent,
      },
      ...(options.fetch ? { fetch: options.fetch } : {}),
    }),
    audit: new AuditService({ repository: new AuditRepository(db), logger }),
    flowMetrics: new FlowMetricsRepository(db),
    features: options.features,
    async close() {
      if (closed) return;
      closed = true;
      email.close();
      await jobs.stop();
      await flows.close();
      await recentListener?.close();
      await platform.database.close();
    },
  };
  for (const feature of options.features) jobs.register(feature.jobs?.(services) ?? []);
  return services;
}
