import {
  ExactClient,
  type ExactClientOptions,
  OAuthClient,
  REGION_HOSTS,
  resolveBaseUrl,
  type TokenStore,
} from '@koppel/exact';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { HubError } from '../errors/hub-error.ts';
import type { PublicUrl } from '../platform/public-url.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Db } from '../storage/database.ts';
import { type ExactAppRow, ExactAppsRepository } from './apps-repository.ts';
import { type ConnectionRow, ConnectionsRepository } from './connections-repository.ts';
import { OAuthStatesRepository } from './oauth-states-repository.ts';
import { PostgresRateBudget } from './rate-budget.ts';
import { exactRedirectUri } from './redirect-uri.ts';
import { markNeedsReauthorization } from './token-failure.ts';
import { PostgresTokenStore, type RefreshExclusion } from './token-store.ts';

/** Per-call tuning of an ExactClient (interactive calls fail fast instead of waiting out limits). */
export type ExactCallOptions = Pick<
  ExactClientOptions,
  'maxRateWaitMs' | 'retry' | 'timeoutMs' | 'dailyReserve' | 'fetch'
>;

/**
 * For calls a user waits on (authorization, division refresh, connection test): no retries
 * after a 429 and at most a few seconds waiting for a window, so a spent budget is reported
 * as such instead of holding the request for a minute.
 */
export const INTERACTIVE_CALLS: ExactCallOptions = {
  maxRateWaitMs: 5_000,
  retry: { attempts: 1, rateLimitAttempts: 0 },
};

const REGIONAL_HOSTS: ReadonlySet<string> = new Set(Object.values(REGION_HOSTS));

export interface ExactAccessDeps {
  db: Db;
  secrets: SecretBox;
  clock: Clock;
  logger: Logger;
  publicUrl: PublicUrl;
  /** Custom base URLs the operator allows (KOPPEL_EXACT_BASE_URLS); Exact's regions always are. */
  allowedBaseUrls: readonly string[];
  /** `in-process` on the embedded database (one process owns it), `lease` on shared Postgres. */
  refreshExclusion: RefreshExclusion;
  /** The fetch every SDK client uses (tests may pass their own). */
  fetch?: typeof fetch;
}

/**
 * Everything the hub needs to talk to Exact for its apps and connections: the repositories,
 * one shared token store and rate budget per hub (so the SDK's in-process refresh sharing
 * works across requests), and SDK clients built from stored apps. Built once per process, with
 * the application's services.
 */
export class ExactAccess {
  readonly apps: ExactAppsRepository;
  readonly connections: ConnectionsRepository;
  readonly oauthStates: OAuthStatesRepository;
  readonly tokenStore: PostgresTokenStore;
  readonly rateBudget: PostgresRateBudget;
  readonly #clock: Clock;
  readonly #publicUrl: PublicUrl;
  readonly #fetch: typeof fetch;
  readonly #allowedBaseUrls: ReadonlySet<string>;

  constructor(deps: ExactAccessDeps) {
    this.#clock = deps.clock;
    this.#allowedBaseUrls = new Set(deps.allowedBaseUrls);
    this.#publicUrl = deps.publicUrl;
    this.#fetch = deps.fetch ?? fetch;
    this.apps = new ExactAppsRepository(deps.db, deps.secrets);
    this.connections = new ConnectionsRepository(deps.db, deps.secrets);
    this.oauthStates = new OAuthStatesRepository(deps.db);
    this.rateBudget = new PostgresRateBudget(deps.db);
    this.tokenStore = new PostgresTokenStore({
      connections: this.connections,
      exclusion: deps.refreshExclusion,
      clock: deps.clock,
      onReauthorizationRequired: (connectionId, error) =>
        markNeedsReauthorization(this.connections, deps.logger, connectionId, error),
    });
  }

  get redirectUri(): string {
    return exactRedirectUri(this.#publicUrl.value);
  }

  /**
   * Refuses a base URL the operator did not allow: the hub sends the app's client secret and
   * its connections' tokens to it. Checked when an app is saved and again before every call.
   */
  assertAllowedBaseUrl(baseUrl: string): void {
    let resolved: string | undefined;
    try {
      resolved = resolveBaseUrl(baseUrl);
    } catch {
      resolved = undefined;
    }
    const regional = resolved !== undefined && REGIONAL_HOSTS.has(resolved);
    if (!resolved || !(regional || this.#allowedBaseUrls.has(resolved))) {
      throw HubError.of('exact_host_not_allowed', { baseUrl: resolved ?? 'this address' });
    }
  }

  /** The app's Exact host: its custom base URL (e.g. exact-sim) or its region. */
  baseOf(app: ExactAppRow): string {
    if (app.baseUrl === null) return app.region;
    this.assertAllowedBaseUrl(app.baseUrl);
    return app.baseUrl;
  }

  oauthClient(app: ExactAppRow): OAuthClient {
    return new OAuthClient({
      region: this.baseOf(app),
      clientId: app.clientId,
      clientSecret: this.apps.secretsOf(app).clientSecret,
      redirectUri: this.redirectUri,
      fetch: this.#fetch,
      clock: this.#sdkClock(),
    });
  }

  /** An SDK client for one connection, on the shared token store and rate budget unless `tokenStore` is given. */
  client(
    app: ExactAppRow,
    connectionId: string,
    options: ExactCallOptions & { tokenStore?: TokenStore } = {},
  ): ExactClient {
    const { tokenStore, ...tuning } = options;
    return new ExactClient({
      region: this.baseOf(app),
      clientId: app.clientId,
      clientSecret: this.apps.secretsOf(app).clientSecret,
      redirectUri: this.redirectUri,
      tokenStore: tokenStore ?? this.tokenStore,
      connectionKey: connectionId,
      rateBudget: this.rateBudget,
      fetch: this.#fetch,
      clock: this.#sdkClock(),
      ...tuning,
    });
  }

  /**
   * The SDK client for a connection that may be used now (Active and authorized); for flows and
   * jobs. Throws `connection_unavailable` naming what the user must do otherwise.
   */
  async connectionClient(
    connectionId: string,
    options: ExactCallOptions = {},
  ): Promise<{ connection: ConnectionRow; app: ExactAppRow; client: ExactClient }> {
    const connection = await this.connections.findById(connectionId);
    if (!connection) throw new HubError('connection_not_found', `Connection ${connectionId} does not exist.`);
    const problem = !connection.active
      ? 'is switched off (Active is off)'
      : connection.status === 'not_authorized'
        ? 'has not been authorized yet'
        : connection.status === 'needs_reauth'
          ? 'must be authorized again: Exact refused its tokens'
          : undefined;
    if (problem) throw new HubError('connection_unavailable', `Connection "${connection.name}" ${problem}.`);
    const app = await this.apps.findById(connection.appId);
    if (!app)
      throw new HubError(
        'app_not_found',
        `The Exact app of connection "${connection.name}" no longer exists.`,
      );
    return { connection, app, client: this.client(app, connection.id, options) };
  }

  #sdkClock() {
    const clock = this.#clock;
    return { now: () => clock.now().getTime() };
  }
}
