import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { ConfigError } from '../errors/hub-error.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** One setting: its environment variable, its key in the KOPPEL_CONFIG file, and its rule. */
interface Setting {
  env: string;
  key: string;
  schema: z.ZodType;
  hint: string;
}

const port = z.coerce.number().int().min(0).max(65535);
const positiveInt = z.coerce.number().int().positive();
const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);

const SETTINGS = {
  port: { env: 'KOPPEL_PORT', key: 'port', schema: port, hint: 'a TCP port number, 0-65535 (default 3000)' },
  host: {
    env: 'KOPPEL_HOST',
    key: 'host',
    schema: z.string().min(1),
    hint: 'an interface address, e.g. 127.0.0.1 or 0.0.0.0',
  },
  publicUrl: {
    env: 'KOPPEL_PUBLIC_URL',
    key: 'publicUrl',
    schema: z.url({ protocol: /^https?$/ }),
    hint: 'the http(s) URL users and Exact reach the hub on, e.g. https://koppel.example.com',
  },
  dataDir: {
    env: 'KOPPEL_DATA_DIR',
    key: 'dataDir',
    schema: z.string().min(1),
    hint: 'a directory path (default ./.koppel)',
  },
  databaseUrl: {
    env: 'DATABASE_URL',
    key: 'databaseUrl',
    schema: z.string().regex(/^(postgres|postgresql):\/\//, 'must start with postgres:// or postgresql://'),
    hint: 'a Postgres connection string, e.g. postgres://user:password@host:5432/koppel; leave unset for the embedded database',
  },
  databasePoolSize: {
    env: 'KOPPEL_DATABASE_POOL_SIZE',
    key: 'databasePoolSize',
    schema: positiveInt.max(1000),
    hint: 'a whole number of connections per process (default 10)',
  },
  secretKey: {
    env: 'KOPPEL_SECRET_KEY',
    key: 'secretKey',
    schema: z.string().refine((v) => Buffer.from(v, 'base64').length === 32 && /^[A-Za-z0-9+/]+=*$/.test(v), {
      message: 'must be 32 bytes encoded as base64',
    }),
    hint: 'generate one with `openssl rand -base64 32`',
  },
  previousSecretKeys: {
    env: 'KOPPEL_PREVIOUS_SECRET_KEYS',
    key: 'previousSecretKeys',
    schema: z.string(),
    hint: 'comma-separated base64 keys that older secrets were encrypted with (only while rotating)',
  },
  logLevel: {
    env: 'KOPPEL_LOG_LEVEL',
    key: 'logLevel',
    schema: z.enum(LOG_LEVELS),
    hint: `one of ${LOG_LEVELS.join(', ')} (default info)`,
  },
  trustProxy: {
    env: 'KOPPEL_TRUST_PROXY',
    key: 'trustProxy',
    schema: bool,
    hint: 'true when the hub runs behind a reverse proxy that sets X-Forwarded-For (default false)',
  },
  bodyLimitBytes: {
    env: 'KOPPEL_BODY_LIMIT_BYTES',
    key: 'bodyLimitBytes',
    schema: positiveInt,
    hint: 'the largest accepted request body in bytes (default 1048576)',
  },
  sessionTtlHours: {
    env: 'KOPPEL_SESSION_TTL_HOURS',
    key: 'sessionTtlHours',
    schema: positiveInt,
    hint: 'hours a login session lasts (default 336, two weeks)',
  },
  metricsToken: {
    env: 'KOPPEL_METRICS_TOKEN',
    key: 'metricsToken',
    schema: z.string().min(16, 'must be at least 16 characters'),
    hint: 'a random string Prometheus sends as Authorization: Bearer <token>, e.g. from `openssl rand -hex 24`',
  },
  pgliteSocketPort: {
    env: 'KOPPEL_PGLITE_SOCKET_PORT',
    key: 'pgliteSocketPort',
    schema: port,
    hint: 'a TCP port on 127.0.0.1 where `koppel start` serves the embedded database to psql and BI tools (unset: off)',
  },
  invitationTtlHours: {
    env: 'KOPPEL_INVITATION_TTL_HOURS',
    key: 'invitationTtlHours',
    schema: positiveInt,
    hint: 'hours an invitation link stays valid (default 168, one week)',
  },
} satisfies Record<string, Setting>;

type SettingName = keyof typeof SETTINGS;

export interface HubConfig {
  port: number;
  host: string;
  /** Without a trailing slash. */
  publicUrl: string;
  /** True when KOPPEL_PUBLIC_URL was not set: the hub then follows the port it actually got. */
  publicUrlFromPort: boolean;
  /** Absolute path. */
  dataDir: string;
  /** Set: real Postgres. Unset: PGlite in `dataDir`, or in memory when dataDir is `memory://`. */
  databaseUrl: string | undefined;
  databasePoolSize: number;
  /** Base64 32-byte key; unset: a key file in the data dir (embedded default only). */
  secretKey: string | undefined;
  previousSecretKeys: string[];
  logLevel: (typeof LOG_LEVELS)[number];
  trustProxy: boolean;
  bodyLimitBytes: number;
  /** Bearer token that unlocks /metrics; unset: /metrics is switched off. */
  metricsToken: string | undefined;
  sessionTtlHours: number;
  invitationTtlHours: number;
  /** Set: `koppel start` serves the embedded database over the Postgres protocol on 127.0.0.1. */
  pgliteSocketPort: number | undefined;
}

export const IN_MEMORY_DATA_DIR = 'memory://';

export interface LoadConfigOptions {
  /** Working directory that relative paths resolve against (default process.cwd()). */
  cwd?: string;
  /** Values that win over both the environment and the file (used by CLI flags and tests). */
  overrides?: Partial<Record<SettingName, unknown>>;
}

/**
 * Reads configuration from `env` (usually process.env) and the optional JSON file named by
 * KOPPEL_CONFIG. Environment variables win over the file. Throws ConfigError listing every
 * problem at once, each naming the variable, what is wrong and how to fix it.
 */
export function loadConfig(
  env: Record<string, string | undefined>,
  options: LoadConfigOptions = {},
): HubConfig {
  const cwd = options.cwd ?? process.cwd();
  const problems: string[] = [];
  const file = readConfigFile(env.KOPPEL_CONFIG, cwd, problems);
  const values: Partial<Record<SettingName, unknown>> = {};

  for (const [name, setting] of Object.entries(SETTINGS) as [SettingName, Setting][]) {
    const override = options.overrides?.[name];
    const envValue = env[setting.env];
    let raw: unknown;
    let source: string;
    if (override !== undefined) {
      raw = override;
      source = `option ${name}`;
    } else if (envValue !== undefined && envValue !== '') {
      raw = envValue;
      source = setting.env;
    } else if (file && file.values[setting.key] !== undefined) {
      raw = file.values[setting.key];
      source = `"${setting.key}" in ${file.path}`;
    } else {
      continue;
    }
    const parsed = setting.schema.safeParse(raw);
    if (parsed.success) {
      values[name] = parsed.data;
    } else {
      const reason = parsed.error.issues.map((i) => i.message).join('; ');
      problems.push(`${source}: ${reason}. Expected ${setting.hint}.`);
    }
  }
  if (file) {
    const known = new Set(Object.values(SETTINGS).map((s) => s.key));
    for (const key of Object.keys(file.values)) {
      if (!known.has(key)) {
        problems.push(
          `"${key}" in ${file.path} is not a Koppel setting. Known keys: ${[...known].join(', ')}.`,
        );
      }
    }
  }

  const portValue = (values.port as number | undefined) ?? 3000;
  const databaseUrl = values.databaseUrl as string | undefined;
  const secretKey = values.secretKey as string | undefined;
  const previousSecretKeys = ((values.previousSecretKeys as string | undefined) ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  for (const key of previousSecretKeys) {
    if (Buffer.from(key, 'base64').length !== 32) {
      problems.push('KOPPEL_PREVIOUS_SECRET_KEYS: every entry must be 32 bytes encoded as base64.');
    }
  }
  if (databaseUrl && !secretKey) {
    problems.push(
      'KOPPEL_SECRET_KEY: required when DATABASE_URL is set, so every server and worker process decrypts with the same key. Generate one with `openssl rand -base64 32`.',
    );
  }
  if (problems.length > 0) throw new ConfigError(problems);

  const dataDirRaw = (values.dataDir as string | undefined) ?? './.koppel';
  const dataDir = dataDirRaw === IN_MEMORY_DATA_DIR ? dataDirRaw : path.resolve(cwd, dataDirRaw);
  const publicUrl = ((values.publicUrl as string | undefined) ?? `http://127.0.0.1:${portValue}`).replace(
    /\/+$/,
    '',
  );

  return {
    port: portValue,
    host: (values.host as string | undefined) ?? '127.0.0.1',
    publicUrl,
    publicUrlFromPort: values.publicUrl === undefined,
    dataDir,
    databaseUrl,
    databasePoolSize: (values.databasePoolSize as number | undefined) ?? 10,
    secretKey,
    previousSecretKeys,
    logLevel: (values.logLevel as HubConfig['logLevel'] | undefined) ?? 'info',
    trustProxy: (values.trustProxy as boolean | undefined) ?? false,
    bodyLimitBytes: (values.bodyLimitBytes as number | undefined) ?? 1024 * 1024,
    metricsToken: values.metricsToken as string | undefined,
    sessionTtlHours: (values.sessionTtlHours as number | undefined) ?? 24 * 14,
    invitationTtlHours: (values.invitationTtlHours as number | undefined) ?? 24 * 7,
    pgliteSocketPort: values.pgliteSocketPort as number | undefined,
  };
}

function readConfigFile(
  filePath: string | undefined,
  cwd: string,
  problems: string[],
): { path: string; values: Record<string, unknown> } | undefined {
  if (!filePath) return undefined;
  const resolved = path.resolve(cwd, filePath);
  let text: string;
  try {
    text = readFileSync(resolved, 'utf8');
  } catch (error) {
    const reason =
      (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'file not found' : (error as Error).message;
    problems.push(`KOPPEL_CONFIG: cannot read ${resolved} (${reason}). Point it at a JSON file or unset it.`);
    return undefined;
  }
  try {
    const values: unknown = JSON.parse(text);
    if (typeof values !== 'object' || values === null || Array.isArray(values)) {
      problems.push(`KOPPEL_CONFIG: ${resolved} must hold a JSON object such as {"port": 3000}.`);
      return undefined;
    }
    return { path: resolved, values: values as Record<string, unknown> };
  } catch (error) {
    problems.push(`KOPPEL_CONFIG: ${resolved} is not valid JSON (${(error as Error).message}).`);
    return undefined;
  }
}

/** The settings table, for `docs/configuration.md` and `koppel doctor`. */
export const CONFIG_SETTINGS: ReadonlyArray<{ env: string; key: string; hint: string }> = Object.values(
  SETTINGS,
).map(({ env, key, hint }) => ({ env, key, hint }));
