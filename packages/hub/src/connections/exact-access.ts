import { ExactClient, type ExactClientOptions, OAuthClient, type TokenStore } from '@koppel/exact';
import type { HubContext } from '../hub-context.ts';
import { type ExactAppRow, ExactAppsRepository } from './apps-repository.ts';
import { ConnectionsRepository } from './connections-repository.ts';
import { PostgresRateBudget } from './rate-budget.ts';
import { exactRedirectUri } from './redirect-uri.ts';
import { markNeedsReauthorization } from './token-failure.ts';
import { PostgresTokenStore } from './token-store.ts';

/** Per-call tuning of an ExactClient (interactive calls fail fast instead of waiting out limits). */
export type ExactCallOptions = Pick<
  ExactClientOptions,
  'maxRateWaitMs' | 'retry' | 'timeoutMs' | 'dailyReserve'
>;

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
