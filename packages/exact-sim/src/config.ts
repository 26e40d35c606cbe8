// Settings of the simulator: one typed tree with documented defaults, validated by hand
// (the simulator has no runtime dependencies). Every lifetime, limit and UNCONFIRMED
// behaviour of Exact Online is a setting here; README.md lists them all.
import type { DivisionSpec, DivisionVolumes } from './contract.ts';
import { type DataPlaneBehaviour, defaultBehaviour } from './rest/behaviour.ts';

export interface AppSettings {
  name: string;
  clientId: string;
  clientSecret: string;
  webhookSecret: string;
  redirectUri: string;
  /** Per-app override of `rateLimits.minutely`. */
  minutelyLimit?: number;
  /** Per-app override of `rateLimits.daily`. */
  dailyLimit?: number;
}

export interface UserSettings {
  username: string;
  password: string;
  fullName: string;
}

export interface OAuthSettings {
  /** Authorization codes are single-use and live this long (INVANTIVE: about 3 minutes). */
  codeLifetimeMs: number;
  /** Access token lifetime; `expires_in` is this in seconds, sent as a string. */
  accessTokenLifetimeMs: number;
  /** A refresh is refused (401) while the newest access token of the chain is younger than this. */
  refreshMinAgeMs: number;
  /** A refresh token expires this long after it was issued (its only use is the refresh). */
  refreshTokenLifetimeMs: number;
  /** Token endpoint calls allowed per app per user per UTC day; 0 disables the limit. */
  tokenCallsPerDay: number;
  /** UNCONFIRMED: does a refresh revoke the previous access token? Default: no, it lives on. */
  refreshRevokesAccessToken: boolean;
  /**
   * UNCONFIRMED / conflicting (INVANTIVE): a used refresh token keeps working until the token
   * that replaced it is first used. Default: no grace, as picqer #300 and dotnet #152 suggest.
   */
  previousRefreshTokenGrace: boolean;
  /** UNCONFIRMED: accept client credentials in an HTTP Basic header too (default yes). */
  acceptBasicAuth: boolean;
  /** Lifetime of the login session cookie of the authorize pages. */
  sessionLifetimeMs: number;
}

export interface ErrorBlockSettings {
  /** Exact's "10 errors per app/user/division/endpoint per hour" block; off by default. */
  enabled: boolean;
  maxErrors: number;
  windowMs: number;
  blockMs: number;
}

export interface RateLimitSettings {
  /** Global switch: when false nothing is limited and no X-RateLimit-* headers are sent. */
  enabled: boolean;
  minutely: number;
  daily: number;
  errorBlock: ErrorBlockSettings;
}

export interface WebhookSettings {
  /** Timeout of the empty validation POST sent while a subscription is created. */
  validationTimeoutMs: number;
  /** Timeout of one notification POST. */
  deliveryTimeoutMs: number;
  /** UNCONFIRMED retry policy: delays (real time) before each retry of a failed notification. */
  retryDelaysMs: number[];
  /** Real-time delay before the first notification attempt. */
  deliveryDelayMs: number;
  /** UNCONFIRMED: whether the validation POST must answer 2xx; false skips the check. */
  validateCallbacks: boolean;
}

export interface ClockSettings {
  /** Simulated start time (ISO string or epoch ms); default: the real time at start-up. */
  start?: string | number;
  /** When true the simulated clock only moves through `/_sim/clock`; otherwise it ticks in real time. */
  frozen: boolean;
}

export interface SimulatorSettings {
  host: string;
  port: number;
  seed: number;
  /** Base URL put into `__next`, `ExactOnlineEndpoint` and friends; default: what the client called. */
  publicUrl?: string;
  /** When set, every `/_sim/*` call needs `Authorization: Bearer <controlToken>`. */
  controlToken?: string;
  clock: ClockSettings;
  oauth: OAuthSettings;
  rateLimits: RateLimitSettings;
  webhooks: WebhookSettings;
  defaultApp: AppSettings;
  defaultUser: UserSettings;
  defaultDivisions: DivisionSpec[];
  /** Volumes used for a division created without its own `volumes`; unset: the data plane's defaults. */
  defaultVolumes?: DivisionVolumes;
  /** Data-plane choices where Exact's behaviour is UNCONFIRMED (envelope shape, POST status, …). */
  behaviour: DataPlaneBehaviour;
  /** Largest accepted request body. */
  maxBodyBytes: number;
  /**
   * JSON file that keeps apps, users, divisions with their changes, tokens, webhook
   * subscriptions and the clock across restarts: loaded at start, saved after changes and on stop.
   */
  stateFile?: string;
  /** How long after a change the state file is saved (changes in between share one save). */
  stateSaveDelayMs: number;
}

type DeepPartial<T> = {
  [K in keyof T]?: T[K] extends unknown[] ? T[K] : T[K] extends object ? DeepPartial<T[K]> : T[K];
};

/** What `startSimulator` and the config file accept: any subset of the settings. */
export type SimulatorOptions = DeepPartial<SimulatorSettings>;

export const DEFAULT_REDIRECT_URI = 'http://127.0.0.1:3000/oauth/exact/callback';

const MINUTE = 60_000;
const DAY = 24 * 60 * MINUTE;

export function defaultSettings(): SimulatorSettings {
  return {
    host: '127.0.0.1',
    port: 5080,
    seed: 1,
    clock: { frozen: false },
    oauth: {
      codeLifetimeMs: 3 * MINUTE,
      accessTokenLifetimeMs: 10 * MINUTE,
      refreshMinAgeMs: 570_000,
      refreshTokenLifetimeMs: 30 * DAY,
      tokenCallsPerDay: 200,
      refreshRevokesAccessToken: false,
      previousRefreshTokenGrace: false,
      acceptBasicAuth: true,
      sessionLifetimeMs: 8 * 60 * MINUTE,
    },
    rateLimits: {
      enabled: true,
      minutely: 60,
      daily: 5000,
      errorBlock: { enabled: false, maxErrors: 10, windowMs: 60 * MINUTE, blockMs: 60 * MINUTE },
    },
    webhooks: {
      validationTimeoutMs: 5000,
      deliveryTimeoutMs: 5000,
      retryDelaysMs: [1000, 10_000, 60_000],
      deliveryDelayMs: 0,
      validateCallbacks: true,
    },
    defaultApp: {
      name: 'Exact Online sandbox (exact-sim)',
      clientId: '3f1c2a4e-8b7d-4e21-9a6f-5c0d1e2b3a47',
      clientSecret: 'exact-sim-client-secret',
      webhookSecret: 'exact-sim-webhook-secret',
      redirectUri: DEFAULT_REDIRECT_URI,
    },
    defaultUser: { username: 'demo@exact-sim.local', password: 'exact-sim', fullName: 'Demo User' },
    defaultDivisions: [
      { code: 100001, description: 'Koppel Demo BV', country: 'NL' },
      { code: 100002, description: 'Koppel Demo Belgium BV', country: 'BE' },
    ],
    behaviour: { ...defaultBehaviour },
    maxBodyBytes: 38 * 1024 * 1024,
    stateSaveDelayMs: 250,
  };
}

export class SettingsError extends Error {
  readonly code = 'invalid_settings';
  readonly path: string;
  constructor(path: string, message: string) {
    super(`Invalid setting ${path}: ${message}`);
    this.name = 'SettingsError';
    this.path = path;
  }
}

type Check = (value: unknown, path: string) => unknown;

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const integer =
  (min: number, max = Number.MAX_SAFE_INTEGER): Check =>
  (value, path) => {
    if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
      throw new SettingsError(
        path,
        `expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`,
      );
    }
    return value;
  };

const text: Check = (value, path) => {
  if (typeof value !== 'string' || value.length === 0) {
    throw new SettingsError(path, `expected a non-empty string, got ${JSON.stringify(value)}`);
  }
  return value;
};

const flag: Check = (value, path) => {
  if (typeof value !== 'boolean')
    throw new SettingsError(path, `expected true or false, got ${JSON.stringify(value)}`);
  return value;
};

const url: Check = (value, path) => {
  const s = text(value, path) as string;
  if (!URL.canParse(s)) throw new SettingsError(path, `expected an absolute URL, got ${JSON.stringify(s)}`);
  return s;
};

const instant: Check = (value, path) => {
  if (typeof value === 'number' && Number.isFinite(value)) return value;
  if (typeof value === 'string' && !Number.isNaN(Date.parse(value))) return value;
  throw new SettingsError(
    path,
    `expected an ISO date-time or epoch milliseconds, got ${JSON.stringify(value)}`,
  );
};

const delays: Check = (value, path) => {
  if (!Array.isArray(value)) throw new SettingsError(path, 'expected an array of milliseconds');
  value.forEach((v, i) => {
    integer(0)(v, `${path}[${i}]`);
  });
  return value;
};

const VOLUME_KEYS = [
  'accounts',
  'contacts',
  'addresses',
  'items',
  'glAccounts',
  'salesInvoices',
  'salesOrders',
  'transactionLines',
] as const;

export function checkVolumes(value: unknown, path: string): DivisionVolumes {
  if (!isRecord(value)) throw new SettingsError(path, 'expected an object of record counts per entity');
  for (const [key, count] of Object.entries(value)) {
    if (!(VOLUME_KEYS as readonly string[]).includes(key)) {
      throw new SettingsError(`${path}.${key}`, `unknown entity; use one of ${VOLUME_KEYS.join(', ')}`);
    }
    integer(0, 10_000_000)(count, `${path}.${key}`);
  }
  return value as DivisionVolumes;
}

export function checkDivisionSpec(value: unknown, path: string): DivisionSpec {
  if (!isRecord(value))
    throw new SettingsError(path, 'expected an object {code?, description, country?, volumes?}');
  for (const key of Object.keys(value)) {
    if (!['code', 'description', 'country', 'volumes'].includes(key)) {
      throw new SettingsError(
        `${path}.${key}`,
        'unknown field; allowed: code, description, country, volumes',
      );
    }
  }
  if (value.code !== undefined) integer(1, 2_147_483_647)(value.code, `${path}.code`);
  text(value.description, `${path}.description`);
  if (
    value.country !== undefined &&
    (typeof value.country !== 'string' || !/^[A-Z]{2}$/.test(value.country))
  ) {
    throw new SettingsError(
      `${path}.country`,
      'expected a two-letter upper-case ISO country code such as "NL"',
    );
  }
  if (value.volumes !== undefined) checkVolumes(value.volumes, `${path}.volumes`);
  return value as unknown as DivisionSpec;
}

const divisionList: Check = (value, path) => {
  if (!Array.isArray(value) || value.length === 0) {
    throw new SettingsError(path, 'expected a non-empty array of divisions');
  }
  value.forEach((v, i) => {
    checkDivisionSpec(v, `${path}[${i}]`);
  });
  return value;
};

type Shape = { [key: string]: Check | Shape };

/** One rule per data-plane knob, of the same type as its default, so new knobs need no change here. */
function behaviourShape(): Shape {
  const shape: Shape = {};
  for (const [key, fallback] of Object.entries(defaultBehaviour)) {
    shape[key] =
      key === 'postStatus'
        ? (value, path) => {
            if (value !== 200 && value !== 201)
              throw new SettingsError(path, `expected 200 or 201, got ${JSON.stringify(value)}`);
            return value;
          }
        : typeof fallback === 'boolean'
          ? flag
          : typeof fallback === 'number'
            ? integer(0)
            : text;
  }
  return shape;
}

const SHAPE: Shape = {
  host: text,
  port: integer(0, 65_535),
  seed: integer(0, 2 ** 32 - 1),
  publicUrl: url,
  controlToken: text,
  clock: { start: instant, frozen: flag },
  oauth: {
    codeLifetimeMs: integer(1),
    accessTokenLifetimeMs: integer(1),
    refreshMinAgeMs: integer(0),
    refreshTokenLifetimeMs: integer(1),
    tokenCallsPerDay: integer(0),
    refreshRevokesAccessToken: flag,
    previousRefreshTokenGrace: flag,
    acceptBasicAuth: flag,
    sessionLifetimeMs: integer(1),
  },
  rateLimits: {
    enabled: flag,
    minutely: integer(1),
    daily: integer(1),
    errorBlock: { enabled: flag, maxErrors: integer(1), windowMs: integer(1), blockMs: integer(1) },
  },
  webhooks: {
    validationTimeoutMs: integer(1),
    deliveryTimeoutMs: integer(1),
    retryDelaysMs: delays,
    deliveryDelayMs: integer(0),
    validateCallbacks: flag,
  },
  defaultApp: {
    name: text,
    clientId: text,
    clientSecret: text,
    webhookSecret: text,
    redirectUri: url,
    minutelyLimit: integer(1),
    dailyLimit: integer(1),
  },
  defaultUser: { username: text, password: text, fullName: text },
  defaultDivisions: divisionList,
  defaultVolumes: (value, path) => checkVolumes(value, path),
  behaviour: behaviourShape(),
  maxBodyBytes: integer(1),
  stateFile: text,
  stateSaveDelayMs: integer(0),
};

function merge(target: Record<string, unknown>, patch: unknown, shape: Shape, path: string): void {
  if (!isRecord(patch)) throw new SettingsError(path || '(root)', 'expected an object');
  for (const [key, value] of Object.entries(patch)) {
    const where = path ? `${path}.${key}` : key;
    const rule = shape[key];
    if (rule === undefined) {
      throw new SettingsError(where, `unknown setting; known here: ${Object.keys(shape).join(', ')}`);
    }
    if (value === undefined) continue;
    if (typeof rule === 'function') {
      target[key] = rule(value, where);
    } else {
      const child = isRecord(target[key]) ? (target[key] as Record<string, unknown>) : {};
      merge(child, value, rule, where);
      target[key] = child;
    }
  }
}

/** Defaults overlaid with each layer in turn (e.g. config file, then command line); throws SettingsError. */
export function resolveSettings(...layers: (SimulatorOptions | undefined)[]): SimulatorSettings {
  const settings = defaultSettings();
  for (const layer of layers) {
    if (layer !== undefined) merge(settings as unknown as Record<string, unknown>, layer, SHAPE, '');
  }
  return settings;
}
