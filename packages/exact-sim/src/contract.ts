// The seam between the simulator's two halves:
// - the control plane (HTTP server, OAuth, tokens, rate limits, clock, faults, stats,
//   webhook delivery, the /_sim control API, the CLI), and
// - the data plane (entity catalogue, seeded data, division stores, OData queries,
//   envelopes, sync/bulk/deleted feeds, writes) reached through `DataPlane.handle`.
// The control plane authenticates, checks division scope and rate limits, then hands the
// request over; the data plane never sees tokens.

/** The simulated clock; every lifetime, window and `Modified` stamp follows it. */
export interface Clock {
  /** Milliseconds since the Unix epoch, in simulated time. */
  now(): number;
}

/** What the data plane knows about the caller of an API request. */
export interface ApiCaller {
  userId: string;
  username: string;
  fullName: string;
  email: string;
  /** Every division the user can access (their licence), in the user's order. */
  divisions: number[];
  /** The divisions the user granted this app on the consent page. */
  scopedDivisions: number[];
  /** The OAuth client id (app) making the call. */
  clientId: string;
}

/** One authenticated, scope-checked, rate-limited call under `/api/v1`. */
export interface ApiRequest {
  method: string;
  /** `null` only for `current/Me`. */
  division: number | null;
  /**
   * The resource path after `/api/v1/{division}/` (or `current/Me`), percent-decoded,
   * e.g. `crm/Accounts`, `crm/Accounts(guid'…')`, `sync/CRM/Accounts`, `crm/Accounts/$count`.
   */
  resource: string;
  /** The raw query string without `?`, exactly as received (needed to echo options in `__next`). */
  rawQuery: string;
  /** Request headers with lower-case names. */
  headers: Record<string, string | undefined>;
  /** The raw request body (empty for GET/DELETE). */
  body: Buffer;
  /** Scheme, host and port the client used, e.g. `http://127.0.0.1:5123`; prefixes `__next` and `__metadata.uri`. */
  baseUrl: string;
  caller: ApiCaller;
}

export interface ApiResponse {
  status: number;
  headers: Record<string, string>;
  body: string | Buffer;
}

/** Counts of generated records per entity when a division is created. */
export interface DivisionVolumes {
  accounts?: number;
  contacts?: number;
  addresses?: number;
  items?: number;
  glAccounts?: number;
  salesInvoices?: number;
  salesOrders?: number;
  transactionLines?: number;
}

export interface DivisionSpec {
  code?: number;
  description: string;
  /** ISO country code, default `NL`. */
  country?: string;
  volumes?: DivisionVolumes;
}

export interface DivisionInfo {
  code: number;
  description: string;
  country: string;
  currency: string;
  /** Licence-holder fields mirrored in `system/Divisions`. */
  hid: number;
  status: number;
  blockingStatus: number;
}

export type ChangeAction = 'Create' | 'Update' | 'Delete';

/** Emitted by the data plane after every committed change (API write or `/_sim/mutations`). */
export interface ChangeEvent {
  division: number;
  /** Endpoint path of the entity, e.g. `crm/Accounts`. */
  entity: string;
  /** Webhook topic for the entity (e.g. `Accounts`), or `null` when it has none. */
  topic: string | null;
  action: ChangeAction;
  /** Key (GUID) of the changed record. */
  key: string;
  /** Absolute URL to GET the record, as Exact's `ExactOnlineEndpoint`. */
  endpoint: string;
  /** Simulated time of the change, epoch ms. */
  at: number;
}

export interface MutationRequest {
  division: number;
  /** Endpoint path, e.g. `crm/Accounts`. */
  entity: string;
  creates?: number;
  updates?: number;
  deletes?: number;
}

export interface MutationResult {
  created: string[];
  updated: string[];
  deleted: string[];
}

export interface WebhookSubscriptionView {
  id: string;
  division: number;
  clientId: string;
  topic: string;
  callbackUrl: string;
}

/**
 * A division's state as the data plane saves it for `--state`: enough to generate it again
 * (spec, creation time) plus every change made since. JSON-safe.
 */
export interface DivisionState {
  info: DivisionInfo;
  volumes: Record<string, number>;
  createdAt: number;
  counter: number;
  writeSequence: number;
  deletedLog: Record<string, unknown>[];
  tables: Record<string, unknown>;
}

/** Everything the data plane holds that is not regenerated from the seed. JSON-safe. */
export interface DataPlaneState {
  divisions: DivisionState[];
  hidSequence: number;
  webhookSubscriptions: unknown;
}

export interface DataPlaneOptions {
  seed: number;
  clock: Clock;
  /**
   * Called while a `webhooks/WebhookSubscriptions` POST is being handled, before the
   * subscription is stored: the control plane sends Exact's empty validation POST to the
   * callback and rejects (with the message to show) when it does not answer 2xx.
   */
  validateWebhookCallback: (callbackUrl: string) => Promise<void>;
}

export interface DataPlane {
  createDivision(spec: DivisionSpec): DivisionInfo;
  getDivision(code: number): DivisionInfo | undefined;
  listDivisions(): DivisionInfo[];
  /**
   * Sets a division's `BlockingStatus` as `system/Divisions` and `system/AllDivisions` show it
   * (0 not blocked; 1–6 Exact's blocking states). Refusing calls is the control plane's part.
   */
  setDivisionBlocking(code: number, blockingStatus: number): void;
  /** Serves one `/api/v1` request (everything under it, including `current/Me` and webhook subscriptions). */
  handle(request: ApiRequest): Promise<ApiResponse>;
  mutate(request: MutationRequest): MutationResult;
  /** Subscriptions of one division (all apps); the control plane filters by client and topic. */
  webhookSubscriptions(division: number): WebhookSubscriptionView[];
  onChange(listener: (event: ChangeEvent) => void): void;
  /** Drops every division, record and subscription. */
  reset(): void;
  /** The state to save for a restart (divisions, their changes, webhook subscriptions). */
  exportState(): DataPlaneState;
  /** Replaces everything with a saved state; throws `DivisionSpecError` when it does not fit. */
  importState(state: DataPlaneState): void;
}
