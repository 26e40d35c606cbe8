import { ExactClient, type ExactClientOptions, OAuthClient, type TokenStore } from '@koppel/exact';
import { conflict, notFound } from '../errors.ts';
import type { HubContext } from '../hub-context.ts';
import { type ExactAppRow, ExactAppsRepository } from './apps-repository.ts';
import { type ConnectionRow, ConnectionsRepository } from './connections-repository.ts';
import { PostgresRateBudget } from './rate-budget.ts';
import { exactRedirectUri } from './redirect-uri.ts';
import { markNeedsReauthorization } from './token-failure.ts';
import { PostgresTokenStore } from './token-store.ts';

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

/**
 * Everything the hub needs to talk to Exact for its apps and connections: the repositories,
 * one shared token store and rate budget per hub (so the SDK's in-process refresh sharing
 * works across requests), and SDK clients built from stored apps.
 */
export class ExactAccess {
  readonly apps: ExactAppsRepository;
  readonly connections: ConnectionsRepository;
  readonly tokenStore: PostgresTokenStore;
  readonly rateBudget: PostgresRateBudget;
  readonly #ctx: HubContext;
  readonly #fetch: typeof fetch;

  constructor(ctx: HubContext, options: { fetch?: typeof fetch } = {}) {
    this.#ctx = ctx;
    this.#fetch = options.fetch ?? fetch;
    this.apps = new ExactAppsRepository(ctx.db, ctx.secrets);
    this.connections = new ConnectionsRepository(ctx.db, ctx.secrets);
    this.rateBudget = new PostgresRateBudget(ctx.db);
    this.tokenStore = new PostgresTokenStore({
      db: ctx.db,
      connections: this.connections,
      clock: ctx.clock,
      onReauthorizationRequired: (connectionId, error) =>
        markNeedsReauthorization(this.connections, ctx.logger, connectionId, error),
    });
  }

  get redirectUri(): string {
    return exactRedirectUri(this.#ctx.config.publicUrl);
  }

  /** The app's Exact host: its custom base URL (e.g. exact-sim) or its region. */
  baseOf(app: ExactAppRow): string {
    return app.baseUrl ?? app.region;
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
    if (!connection) throw notFound('connection_not_found', `Connection ${connectionId} does not exist.`);
    const problem = !connection.active
      ? 'is switched off (Active is off)'
      : connection.status === 'not_authorized'
        ? 'has not been authorized yet'
        : connection.status === 'needs_reauth'
          ? 'must be authorized again: Exact refused its tokens'
          : undefined;
    if (problem) throw conflict('connection_unavailable', `Connection "${connection.name}" ${problem}.`);
    const app = await this.apps.findById(connection.appId);
    if (!app)
      throw notFound('app_not_found', `The Exact app of connection "${connection.name}" no longer exists.`);
    return { connection, app, client: this.client(app, connection.id, options) };
  }

  #sdkClock() {
    const clock = this.#ctx.clock;
    return { now: () => clock.now().getTime() };
  }
}

const instances = new WeakMap<HubContext, ExactAccess>();

/** The hub's ExactAccess, created on first use. */
export function exactAccess(ctx: HubContext): ExactAccess {
  let access = instances.get(ctx);
  if (!access) {
    access = new ExactAccess(ctx);
    instances.set(ctx, access);
  }
  return access;
}
