import type { EntityDef, Input, Row } from './catalogue/entity.ts';
import { fieldsOf } from './catalogue/entity.ts';
import { me } from './catalogue/generated/current-me.ts';
import { allDivisions } from './catalogue/generated/system-all-divisions.ts';
import { divisions } from './catalogue/generated/system-divisions.ts';
import { webhookSubscriptions } from './catalogue/generated/webhooks-webhook-subscriptions.ts';
import { ExactApiError, ExactInputError } from './errors.ts';
import { type ApiRequest, type ApiResponse, ExactHttp, type RetryOptions } from './http/exact-http.ts';
import { OAuthClient } from './oauth/oauth-client.ts';
import type { TokenSet } from './oauth/token-set.ts';
import { type RawPage, readCollection, readSingle, trailingNextLink } from './odata/envelope.ts';
import { fieldLiteral } from './odata/literals.ts';
import { type PageReader, Query, type RowCounter } from './odata/query.ts';
import { renderQuery } from './odata/query-options.ts';
import { MemoryRateBudget, type RateBudget } from './rate-limit/rate-budget.ts';
import { RateGovernor, type RateLimits } from './rate-limit/rate-governor.ts';
import type { Region } from './regions.ts';
import { type Clock, type Fetch, realSleep, type Sleep, systemClock, type Timer } from './runtime.ts';
import {
  type DeletedOptions,
  type DeletedRecord,
  deletedFeed,
  type SyncOptions,
  type SyncPage,
  type SyncRow,
  syncFeed,
  syncPathOf,
} from './sync/sync-feed.ts';
import { MemoryTokenStore } from './tokens/memory-token-store.ts';
import { TokenManager } from './tokens/token-manager.ts';
import type { TokenStore } from './tokens/token-store.ts';
import { formatExactDate } from './values/exact-date.ts';
import { readRow } from './values/row-reader.ts';

export interface ExactClientOptions {
  /** Region code (`nl`, `be`, `de`, `uk`, `us`, `es`, `fr`) or a base URL such as exact-sim's. */
  region: Region | string;
  clientId: string;
  clientSecret: string;
  redirectUri: string;
  /** Where the token pair lives; default in memory (one process only). */
  tokenStore?: TokenStore;
  /** Names this connection in the token store (default: the client id). */
  connectionKey?: string;
  /** Shared call budget per (client id, division); default in memory. */
  rateBudget?: RateBudget;
  /** Daily calls background callers must leave for interactive use (default 0). */
  dailyReserve?: number;
  /** Longest wait for a minutely reset before failing (default 2 min). */
  maxRateWaitMs?: number;
  fetch?: Fetch;
  clock?: Clock;
  sleep?: Sleep;
  random?: () => number;
  /** API request timeout (default 60 s). */
  timeoutMs?: number;
  /** Measures `timeoutMs` and `tokenTimeoutMs` (default real timers). */
  timer?: Timer;
  /** Token endpoint timeout (default 30 s); past it a refresh counts as lost. */
  tokenTimeoutMs?: number;
  retry?: RetryOptions;
  /** Refresh when this little access-token lifetime remains (default 25 s). */
  refreshMarginMs?: number;
}

export interface DivisionOptions {
  /** Background work is refused once the daily remaining reaches the reserve. */
  background?: boolean;
}

/** The entry point: OAuth, the current user, divisions, and per-division data access. */
export class ExactClient {
  readonly oauth: OAuthClient;
  readonly tokens: TokenManager;
  readonly #store: TokenStore;
  readonly #key: string;
  readonly #http: ExactHttp;
  readonly #governor: RateGovernor;

  constructor(options: ExactClientOptions) {
    const clock = options.clock ?? systemClock;
    const fetchFn = options.fetch ?? fetch;
    this.oauth = new OAuthClient({
      region: options.region,
      clientId: options.clientId,
      clientSecret: options.clientSecret,
      redirectUri: options.redirectUri,
      fetch: fetchFn,
      clock,
      ...(options.tokenTimeoutMs === undefined ? {} : { timeoutMs: options.tokenTimeoutMs }),
      ...(options.timer ? { timer: options.timer } : {}),
    });
    this.#store = options.tokenStore ?? new MemoryTokenStore();
    this.#key = options.connectionKey ?? options.clientId;
    this.tokens = new TokenManager({
      store: this.#store,
      key: this.#key,
      oauth: this.oauth,
      clock,
      ...(options.refreshMarginMs === undefined ? {} : { refreshMarginMs: options.refreshMarginMs }),
    });
    const sleep = options.sleep ?? realSleep;
    this.#governor = new RateGovernor({
      budget: options.rateBudget ?? new MemoryRateBudget(),
      clientId: options.clientId,
      connectionKey: this.#key,
      clock,
      sleep,
      ...(options.dailyReserve === undefined ? {} : { dailyReserve: options.dailyReserve }),
      ...(options.maxRateWaitMs === undefined ? {} : { maxWaitMs: options.maxRateWaitMs }),
    });
    this.#http = new ExactHttp({
      baseUrl: this.oauth.baseUrl,
      tokens: this.tokens,
      governor: this.#governor,
      fetch: fetchFn,
      sleep,
      ...(options.random ? { random: options.random } : {}),
      ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      ...(options.timer ? { timer: options.timer } : {}),
      ...(options.retry ? { retry: options.retry } : {}),
    });
  }

  /** Exact's login/consent URL; send the user there. */
  authorizeUrl(options: { state: string; forceLogin?: boolean }): string {
    return this.oauth.authorizeUrl(options);
  }

  /** Finishes authorization with the `code` from the redirect and stores the pair. */
  async connect(code: string): Promise<TokenSet> {
    const tokens = await this.oauth.exchangeCode(code);
    await this.#store.save(this.#key, tokens);
    return tokens;
  }

  /** The signed-in user (`current/Me`). */
  async me(): Promise<Row<typeof me>> {
    const response = await this.#http.send({
      method: 'GET',
      division: null,
      resource: me.path,
      query: renderQuery(me, {}),
    });
    const body = response.json();
    const record = readCollection(body)?.records[0] ?? readSingle(body);
    if (record === undefined)
      throw invalidBody(response, 'GET', me.path, null, 'current/Me returned no user');
    const row = readRow(me, record);
    await this.#governor.chargeMeTo(row.CurrentDivision, response.headers);
    return row;
  }

  /**
   * Divisions the user can access (`system/Divisions`), or every division on the licence
   * with `{ all: true }`. The URL needs some division: `via`, else the user's current one.
   */
  async divisions(options: { all?: boolean; via?: number } = {}): Promise<Row<typeof divisions>[]> {
    const via = options.via ?? (await this.me()).CurrentDivision;
    if (via === null) throw new ExactInputError('The user has no current division; pass { via: <division> }');
    const entity = options.all ? allDivisions : divisions;
    return (await this.division(via).query(entity).all()) as Row<typeof divisions>[];
  }

  /** Data access for one division; every division-scoped call names its division. */
  division(code: number, options: DivisionOptions = {}): DivisionClient {
    if (!Number.isSafeInteger(code) || code <= 0) {
      throw new ExactInputError(`Division must be a positive integer, got ${code}`, { division: code });
    }
    return new DivisionClient(this.#http, this.#governor, code, options.background ?? false);
  }
}

function invalidBody(
  response: ApiResponse,
  method: string,
  endpoint: string,
  division: number | null,
  message: string,
): ExactApiError {
  return new ExactApiError(
    { status: response.status, exactMessage: message, reason: null, method, endpoint, division },
    'invalid_response',
  );
}

/**
 * Reads a collection page by page, following `__next`. The next page is requested as soon
 * as the current one's text has arrived (its link read from the text's end, before the
 * parse), so Exact's work overlaps the caller's and the parse; calls stay sequential, and
 * the next page is only parsed when the caller asks for it, so one parsed page and one page
 * of text are held at most.
 */
function pageReader(http: ExactHttp, division: number | null, background: boolean, beta = false): PageReader {
  return async function* read(resource: string, query: string): AsyncGenerator<RawPage> {
    const request = (url?: string): Promise<ApiResponse> => {
      const sent = http.send(
        url === undefined
          ? { method: 'GET', division, resource, query, background, beta }
          : { method: 'GET', division, resource, url, background, beta },
      );
      // Rejections surface when the caller asks for that page; a caller that stops early never does.
      sent.catch(() => {});
      return sent;
    };
    let pending: Promise<ApiResponse> | undefined = request();
    while (pending !== undefined) {
      const response: ApiResponse = await pending;
      const early = trailingNextLink(response.text);
      const following = early === undefined ? undefined : request(early);
      const page = readCollection(response.json());
      if (page === undefined) {
        throw invalidBody(
          response,
          'GET',
          resource,
          division,
          'Expected a collection ({"d":{"results":[…]}})',
        );
      }
      // The parsed link decides; the early request stands only where it asked for that link.
      pending = page.next === early ? following : page.next === undefined ? undefined : request(page.next);
      yield page;
    }
  };
}

/** `…/$count` answers a bare integer as text, asked for without `Accept` (facts §3.5). */
function rowCounter(http: ExactHttp, division: number, background: boolean, beta = false): RowCounter {
  return async (resource, query) => {
    const endpoint = `${resource}/$count`;
    const response = await http.send({
      method: 'GET',
      division,
      resource: endpoint,
      query,
      background,
      plainText: true,
      beta,
    });
    const text = response.text.trim();
    if (!/^\d+$/.test(text)) {
      throw invalidBody(
        response,
        'GET',
        endpoint,
        division,
        `Expected a bare integer from $count, got ${JSON.stringify(text.slice(0, 200))}`,
      );
    }
    return Number(text);
  };
}

/** Writable scalars become JSON the way Exact accepts them: Dates as `/Date()/`, Int64 as text. */
function toWire(entity: EntityDef, input: Record<string, unknown>): Record<string, unknown> {
  const fields = fieldsOf(entity);
  const body: Record<string, unknown> = {};
  for (const [name, value] of Object.entries(input)) {
    if (value === undefined) continue;
    const field = fields.get(name);
    if (field === undefined) {
      throw new ExactInputError(`${entity.path} has no field ${name}`, { entity: entity.path, field: name });
    }
    if (field.readOnly) {
      throw new ExactInputError(`${entity.path}.${name} is read-only`, { entity: entity.path, field: name });
    }
    if (field.type === 'Nav') {
      if (!Array.isArray(value)) throw new ExactInputError(`${entity.path}.${name} takes an array of lines`);
      body[name] = value.map((line) => toWire(field.nav as EntityDef, line as Record<string, unknown>));
    } else if (value instanceof Date) {
      body[name] = formatExactDate(value);
    } else if (typeof value === 'bigint') {
      body[name] = value.toString();
    } else {
      body[name] = value;
    }
  }
  return body;
}

/** Everything scoped to one division: queries, sync feeds, writes, webhooks, rate limits. */
export class DivisionClient {
  readonly division: number;
  readonly #http: ExactHttp;
  readonly #governor: RateGovernor;
  readonly #background: boolean;
  readonly #read: PageReader;
  readonly #count: RowCounter;
  /** Readers for beta endpoints (`/api/v1/beta/{division}/…`). */
  readonly #betaRead: PageReader;
  readonly #betaCount: RowCounter;

  constructor(http: ExactHttp, governor: RateGovernor, division: number, background: boolean) {
    this.division = division;
    this.#http = http;
    this.#governor = governor;
    this.#background = background;
    this.#read = pageReader(http, division, background);
    this.#count = rowCounter(http, division, background);
    this.#betaRead = pageReader(http, division, background, true);
    this.#betaCount = rowCounter(http, division, background, true);
  }

  #readerOf(entity: EntityDef): PageReader {
    return entity.beta === true ? this.#betaRead : this.#read;
  }

  #send(request: Omit<ApiRequest, 'division' | 'background'>): Promise<ApiResponse> {
    return this.#http.send({ ...request, division: this.division, background: this.#background });
  }

  #check(entity: EntityDef, method: 'GET' | 'POST' | 'PUT' | 'DELETE'): void {
    if (!entity.divisionScoped) throw new ExactInputError(`${entity.path} is not division-scoped`);
    if (!entity.methods.includes(method)) {
      throw new ExactInputError(`${entity.path} does not support ${method}`, { entity: entity.path, method });
    }
  }

  #keyPath(entity: EntityDef, key: string | number): string {
    const field = fieldsOf(entity).get(entity.key);
    if (field === undefined) throw new ExactInputError(`${entity.path} has no key field`);
    return `${entity.path}(${fieldLiteral(field, key)})`;
  }

  /** A typed OData query on the entity's standard endpoint; `count()` asks `…/$count`. */
  query<E extends EntityDef>(entity: E): Query<E> {
    this.#check(entity, 'GET');
    return new Query(
      entity,
      this.#readerOf(entity),
      {},
      entity.path,
      entity.beta === true ? this.#betaCount : this.#count,
    );
  }

  /** A full read: the `bulk/` endpoint (1,000 rows a call) where Exact has one, else the standard one. */
  readAll<E extends EntityDef>(entity: E): Query<E> {
    this.#check(entity, 'GET');
    return new Query(entity, this.#readerOf(entity), {}, entity.bulkPath ?? entity.path);
  }

  /** One record by key; `ExactApiError` `not_found` when absent. */
  async get<E extends EntityDef>(
    entity: E,
    key: string | number,
    options: { select?: readonly string[]; expand?: readonly string[] } = {},
  ): Promise<Row<E>> {
    this.#check(entity, 'GET');
    const resource = this.#keyPath(entity, key);
    const query = new Query(entity, this.#read, {
      ...(options.select ? { select: options.select } : {}),
      ...(options.expand ? { expand: options.expand } : {}),
    }).toString();
    const response = await this.#send({ method: 'GET', resource, query, beta: entity.beta });
    const body = response.json();
    const record = readSingle(body) ?? readCollection(body)?.records[0];
    if (record === undefined)
      throw invalidBody(response, 'GET', resource, this.division, 'Expected {"d":{…}}');
    return readRow(entity, record);
  }

  /**
   * Creates a record (`Prefer: return=representation`, so the answer is filled in).
   * Lines go in the navigation field (deep insert), e.g. `SalesInvoiceLines: [{ Item, Quantity }]`.
   * POST is not idempotent: it is never retried after a 5xx or a lost reply.
   */
  async create<E extends EntityDef>(entity: E, input: Input<E>): Promise<Row<E>> {
    this.#check(entity, 'POST');
    const response = await this.#send({
      method: 'POST',
      resource: entity.path,
      beta: entity.beta,
      body: toWire(entity, input as Record<string, unknown>),
      headers: { Prefer: 'return=representation' },
    });
    const record = readSingle(response.json());
    if (record === undefined)
      throw invalidBody(response, 'POST', entity.path, this.division, 'Expected {"d":{…}}');
    return readRow(entity, record);
  }

  /** Partial update: only the given fields are sent (PUT, 204). */
  async update<E extends EntityDef>(entity: E, key: string | number, changes: Input<E>): Promise<void> {
    this.#check(entity, 'PUT');
    await this.#send({
      method: 'PUT',
      resource: this.#keyPath(entity, key),
      beta: entity.beta,
      body: toWire(entity, changes as Record<string, unknown>),
    });
  }

  async delete(entity: EntityDef, key: string | number): Promise<void> {
    this.#check(entity, 'DELETE');
    await this.#send({ method: 'DELETE', resource: this.#keyPath(entity, key), beta: entity.beta });
  }

  /**
   * Incremental read over the entity's `sync/` endpoint: pages of rows changed after
   * `since`, each with the cursor to store once the page is safely processed.
   */
  sync<E extends EntityDef>(entity: E, options: SyncOptions = {}): AsyncGenerator<SyncPage<SyncRow<E>>> {
    // Checked here too so that the mistake throws at the call, not at the first page.
    syncPathOf(entity);
    return syncFeed(this.#read, entity, options);
  }

  /** Deleted records (`sync/Deleted`) after `since`, mapped to their entities. */
  deleted(options: DeletedOptions = {}): AsyncGenerator<SyncPage<DeletedRecord>> {
    return deletedFeed(this.#read, options);
  }

  /** This app's webhook subscriptions in the division. */
  subscriptions(): Promise<Row<typeof webhookSubscriptions>[]> {
    return this.query(webhookSubscriptions).all();
  }

  /**
   * Subscribes `callbackUrl` to a topic (e.g. `Accounts`). Exact first POSTs an empty body
   * to the callback, which must answer 2xx. Returns the existing subscription if present.
   */
  async subscribe(topic: string, callbackUrl: string): Promise<Row<typeof webhookSubscriptions>> {
    const existing = (await this.subscriptions()).find(
      (subscription) => subscription.Topic === topic && subscription.CallbackURL === callbackUrl,
    );
    if (existing !== undefined) return existing;
    return this.create(webhookSubscriptions, { Topic: topic, CallbackURL: callbackUrl });
  }

  /** Removes this app's subscriptions to `topic` (only those for `callbackUrl` when given); returns how many. */
  async unsubscribe(topic: string, callbackUrl?: string): Promise<number> {
    const matching = (await this.subscriptions()).filter(
      (subscription) =>
        subscription.Topic === topic &&
        (callbackUrl === undefined || subscription.CallbackURL === callbackUrl),
    );
    for (const subscription of matching) {
      if (subscription.ID !== null) await this.delete(webhookSubscriptions, subscription.ID);
    }
    return matching.length;
  }

  /** Remaining daily and minutely calls, as last reported by Exact. */
  rateLimits(): Promise<RateLimits> {
    return this.#governor.limits(this.division);
  }
}
