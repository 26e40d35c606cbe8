import { auditRoutes } from '../audit/audit-routes.ts';
import { authJobs } from '../auth/auth-jobs.ts';
import { authRoutes } from '../auth/auth-routes.ts';
import { meRoutes } from '../auth/me-routes.ts';
import { signupStatusRoutes } from '../auth/signup-status-routes.ts';
import { appsRoutes } from '../connections/apps-routes.ts';
import { connectionsJobs } from '../connections/connections-jobs.ts';
import { connectionsRoutes } from '../connections/connections-routes.ts';
import { exactDoctorChecks } from '../connections/doctor-checks.ts';
import { oauthRoutes } from '../connections/oauth-routes.ts';
import { destinationsRoutes } from '../destinations/destinations-routes.ts';
import { platformDoctorChecks } from '../doctor/doctor.ts';
import { flowsRoutes } from '../flows/flows-routes.ts';
import { changeFeedRoutes } from '../flows/packages/change-feed/change-feed-routes.ts';
import { importRoutes } from '../flows/packages/exact-import/import-routes.ts';
import { webhookRoutes } from '../flows/webhook-routes.ts';
import { alertsRoutes } from '../watcher/alerts-routes.ts';
import { overviewRoutes } from '../watcher/overview-routes.ts';
import { watcherJobs } from '../watcher/watcher-jobs.ts';
import { watcherRoutes } from '../watcher/watcher-routes.ts';
import { webUiRoutes } from '../web-ui/web-ui-routes.ts';
import { invitationsRoutes } from '../workspaces/invitations-routes.ts';
import { workspacesRoutes } from '../workspaces/workspaces-routes.ts';
import type { Feature } from './feature.ts';

/** Users, sessions, API tokens and two-factor sign-in; the platform's doctor checks. */
export const authFeature: Feature = {
  name: 'auth',
  apiRoutes: (s) => [
    authRoutes(s.auth, s.platform.publicUrl),
    meRoutes(s.account, s.workspaces),
    signupStatusRoutes(async () => (await s.repositories.users.count()) === 0),
  ],
  jobs: (s) =>
    Object.values(authJobs({ ...s.repositories, clock: s.platform.clock, logger: s.platform.logger })),
  doctorChecks: (s) => platformDoctorChecks(s.platform),
};

/** Workspaces, members and invitations. */
export const workspacesFeature: Feature = {
  name: 'workspaces',
  apiRoutes: (s) => [workspacesRoutes(s.workspaces), invitationsRoutes(s.invitations, s.platform.clock)],
};

/** The Exact half: apps, connections, OAuth, divisions, token keep-alive. */
export const connectionsFeature: Feature = {
  name: 'connections',
  apiRoutes: (s) => [
    appsRoutes(s.connectionsDeps, s.apps),
    connectionsRoutes(s.connectionsDeps, s.connections),
  ],
  rootRoutes: (s) => [oauthRoutes(s.connectionsDeps, s.platform.publicUrl)],
  jobs: (s) => Object.values(connectionsJobs(s.connectionsDeps, s.jobs)),
  doctorChecks: (s) => exactDoctorChecks(s.connectionsDeps),
};

/** Packages, flows and their runs, destinations, and the receiver of Exact's webhooks. */
export const flowsFeature: Feature = {
  name: 'flows',
  apiRoutes: (s) => [
    flowsRoutes(s.flows.service, s.connectionsDeps),
    destinationsRoutes(s.flows.destinations),
    changeFeedRoutes(s.flows.changeFeed, s.flows.service.repository, s.connectionsDeps),
    importRoutes(s.flows.imports, s.flows.service.repository, s.connectionsDeps),
  ],
  rootRoutes: (s) => [webhookRoutes(s.flows.webhooks)],
  jobs: (s) => s.flows.jobs,
};

/** The watcher: runs across flows, per-record errors, retry and resolve, connection health, alerts. */
export const watcherFeature: Feature = {
  name: 'watcher',
  apiRoutes: (s) => [watcherRoutes(s.watcher), overviewRoutes(s.overview), alertsRoutes(s.alerts)],
  jobs: (s) =>
    Object.values(
      watcherJobs({ exact: s.exact, queue: s.jobs, logger: s.platform.logger, alerts: s.alerts }),
    ),
};

/** The audit log's API (the entries are written by the server's hook for every feature). */
export const auditFeature: Feature = {
  name: 'audit',
  apiRoutes: (s) => [auditRoutes(s.audit, s.repositories.workspaces)],
};

/** The built dashboard at `/` (last: its catch-all route must not shadow anything). */
export const webUiFeature: Feature = {
  name: 'web-ui',
  rootRoutes: (s) => [webUiRoutes(s.platform.logger)],
};

/** Every hub has these. */
export const CORE_FEATURES: readonly Feature[] = [authFeature, workspacesFeature];

/** What `koppel start|server|worker|doctor` run. A new feature (flows, destinations ...) goes here. */
export const STANDARD_FEATURES: readonly Feature[] = [
  ...CORE_FEATURES,
  connectionsFeature,
  flowsFeature,
  watcherFeature,
  auditFeature,
  webUiFeature,
];
