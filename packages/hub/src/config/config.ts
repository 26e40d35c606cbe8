import { readFileSync } from 'node:fs';
import path from 'node:path';
import { resolveBaseUrl } from '@koppel/exact';
import { z } from 'zod';
import { ConfigError } from '../errors/hub-error.ts';
import { describeDatabaseUrl } from '../logging/logger.ts';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const positiveInt = z.coerce.number().int().positive();
const bool = z.union([
  z.boolean(),
  z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1'),
]);
const base64Key = z
  .string()
  .refine((v) => Buffer.from(v, 'base64').length === 32 && /^[A-Za-z0-9+/]+=*$/.test(v), {
    message: 'must be 32 bytes encoded as base64',
  });

/** One setting: its environment variable (its KOPPEL_CONFIG key is its name), its rule and default, and a hint. */
const setting = <S extends z.ZodType>(env: string, schema: S, hint: string) => ({ env, schema, hint });

/** Every setting with its rule and its default, in one place. */
const SETTINGS = {
  port: setting(
    'KOPPEL_PORT',
    z.coerce.number().int().min(0).max(65535).default(3000),
    'a TCP port number, 0-65535 (default 3000)',
  ),
  host: setting(
    'KOPPEL_HOST',
    z.string().min(1).default('127.0.0.1'),
    'an interface address, e.g. 127.0.0.1 or 0.0.0.0',
  ),
  publicUrl: setting(
    'KOPPEL_PUBLIC_URL',
    z
      .url({ protocol: /^https?$/ })
      .transform((url) => url.replace(/\/+$/, ''))
      .optional(),
    'the http(s) URL users and Exact reach the hub on, e.g. https://koppel.example.com (default: http://127.0.0.1 on the port the hub listens on)',
  ),
  dataDir: setting(
    'KOPPEL_DATA_DIR',
    z.string().min(1).default('./.koppel'),
    'a directory path (default ./.koppel)',
  ),
  databaseUrl: setting(
    'DATABASE_URL',
    z
      .string()
      .regex(/^(postgres|postgresql):\/\//, 'must start with postgres:// or postgresql://')
      .optional(),
    'a Postgres connection string, e.g. postgres://user:password@host:5432/koppel; leave unset for the embedded database',
  ),
  databasePoolSize: setting(
    'KOPPEL_DATABASE_POOL_SIZE',
    positiveInt.max(1000).default(10),
    'a whole number of connections per process (default 10)',
  ),
  secretKey: setting(
    'KOPPEL_SECRET_KEY',
    base64Key.optional(),
    'generate one with `openssl rand -base64 32`',
  ),
  previousSecretKeys: setting(
    'KOPPEL_PREVIOUS_SECRET_KEYS',
    z
      .string()
      .default('')
      .transform((list) =>
        list
          .split(',')
          .map((key) => key.trim())
          .filter((key) => key !== ''),
      )
      .pipe(z.array(base64Key)),
    'comma-separated base64 keys that older secrets were encrypted with (only while rotating)',
  ),
  logLevel: setting(
    'KOPPEL_LOG_LEVEL',
    z.enum(LOG_LEVELS).default('info'),
    `one of ${LOG_LEVELS.join(', ')} (default info)`,
  ),
  logFormat: setting(
    'KOPPEL_LOG_FORMAT',
    z.enum(['auto', 'pretty', 'json']).default('auto'),
    'auto (pretty on a terminal, JSON lines otherwise), pretty or json (default auto)',
  ),
  trustProxy: setting(
    'KOPPEL_TRUST_PROXY',
    bool.default(false),
    'true when the hub runs behind a reverse proxy that sets X-Forwarded-For (default false)',
  ),
  bodyLimitBytes: setting(
    'KOPPEL_BODY_LIMIT_BYTES',
    positiveInt.default(1024 * 1024),
    'the largest accepted request body in bytes (default 1048576)',
  ),
  sessionTtlHours: setting(
    'KOPPEL_SESSION_TTL_HOURS',
    positiveInt.default(24 * 14),
    'hours a login session lasts (default 336, two weeks)',
  ),
  metricsToken: setting(
    'KOPPEL_METRICS_TOKEN',
    z.string().min(16, 'must be at least 16 characters').optional(),
    'a random string Prometheus sends as Authorization: Bearer <token>, e.g. from `openssl rand -hex 24`; unset: /metrics is off',
  ),
  pgliteSocketPort: setting(
    'KOPPEL_PGLITE_SOCKET_PORT',
    z.coerce.number().int().min(1).max(65535).optional(),
    'a TCP port on 127.0.0.1 where `koppel start` serves the embedded database to psql and BI tools (unset: off)',
  ),
  smtpUrl: setting(
    'KOPPEL_SMTP_URL',
    z.url({ protocol: /^smtps?$/ }).optional(),
    'the SMTP server alerts and invitations are e-mailed through, e.g. smtp://user:password@mail.example.nl:587 (smtps:// for TLS on connect); unset: no e-mail',
  ),
  smtpFrom: setting(
    'KOPPEL_SMTP_FROM',
    z.string().min(3).default('Koppel <koppel@localhost>'),
    'the From address of the hub\'s e-mails (default "Koppel <koppel@localhost>")',
  ),
  alertFailedRuns: setting(
    'KOPPEL_ALERT_FAILED_RUNS',
    positiveInt.default(3),
    'alert when a flow failed this many runs in a row (default 3)',
  ),
  alertStaleHours: setting(
    'KOPPEL_ALERT_STALE_HOURS',
    positiveInt.default(24),
    'alert when a stream of an enabled flow has not succeeded for this many hours (default 24)',
  ),
  alertBudgetPercent: setting(
    'KOPPEL_ALERT_BUDGET_PERCENT',
    z.coerce.number().min(1).max(100).default(90),
    "alert when this share of a division's daily API calls is spent (default 90)",
  ),
  invitationTtlHours: setting(
    'KOPPEL_INVITATION_TTL_HOURS',
    positiveInt.default(24 * 7),
    'hours an invitation link stays valid (default 168, one week)',
  ),
  // The hub sends an app's client secret and its connections' tokens to the app's host, so
  // hosts besides Exact's own regions come only from the operator.
  exactBaseUrls: setting(
    'KOPPEL_EXACT_BASE_URLS',
    z
      .union([z.string(), z.array(z.string())])
      .default([])
      .transform((value, context) => {
        const entries = (Array.isArray(value) ? value : value.split(','))
          .map((entry) => entry.trim())
          .filter((entry) => entry !== '');
        const urls: string[] = [];
        for (const entry of entries) {
          try {
            urls.push(resolveBaseUrl(entry));
          } catch {
            context.addIssue({ code: 'custom', message: `"${entry}" is not an http(s) URL` });
          }
        }
        return urls;
      }),
    "comma-separated http(s) URLs of Exact-compatible hosts apps may use besides Exact's regional hosts, e.g. an exact-sim at http://127.0.0.1:4000 (default: none)",
  ),
  workspaceCreators: setting(
    'KOPPEL_WORKSPACE_CREATORS',
    z.enum(['admins', 'everyone']).default('admins'),
    'who may create workspaces: admins (owners and admins of some workspace, the default) or everyone signed in',
  ),
};

type SettingName = keyof typeof SETTINGS;
type Shape = { [K in SettingName]: (typeof SETTINGS)[K]['schema'] };

const SETTING_NAMES = Object.keys(SETTINGS) as SettingName[];
const isSettingName = (key: unknown): key is SettingName => typeof key === 'string' && key in SETTINGS;

/** The configuration as one schema: each setting's rule and default, plus the rules across settings. */
const ConfigSchema = z
  .object(Object.fromEntries(SETTING_NAMES.map((name) => [name, SETTINGS[name].schema])) as Shape)
  .superRefine((config, context) => {
    if (config.databaseUrl && !config.secretKey) {
      context.addIssue({
        code: 'custom',
        path: ['secretKey'],
        message:
          'required when DATABASE_URL is set, so every server and worker process decrypts with the same key. Generate one with `openssl rand -base64 32`.',
      });
    }
  });

/**
 * The hub's configuration, as loaded (frozen: nothing changes it later). `publicUrl` unset means
 * the hub's own address on the port it listens on (see platform/public-url.ts); `databaseUrl`
 * unset means PGlite in `dataDir` (absolute), or in memory when dataDir is `memory://`;
 * `secretKey` unset means a key file in the data dir (embedded default only).
 */
export type HubConfig = Readonly<z.output<typeof ConfigSchema>>;

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
  const raw: Partial<Record<SettingName, unknown>> = {};
  const sources = new Map<SettingName, string>();
  for (const name of SETTING_NAMES) {
    const override = options.overrides?.[name];
    const envValue = env[SETTINGS[name].env];
    if (override !== undefined) {
      raw[name] = override;
      sources.set(name, `option ${name}`);
    } else if (envValue !== undefined && envValue !== '') {
      raw[name] = envValue;
      sources.set(name, SETTINGS[name].env);
    } else if (file && file.values[name] !== undefined) {
      raw[name] = file.values[name];
      sources.set(name, `"${name}" in ${file.path}`);
    }
  }
  if (file) {
    for (const key of Object.keys(file.values)) {
      if (!isSettingName(key)) {
        problems.push(
          `"${key}" in ${file.path} is not a Koppel setting. Known keys: ${SETTING_NAMES.join(', ')}.`,
        );
      }
    }
  }
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    for (const issue of parsed.error.issues) {
      const name = issue.path[0];
      if (!isSettingName(name)) continue;
      const { env: variable, hint } = SETTINGS[name];
      problems.push(
        issue.code === 'custom' && !sources.has(name)
          ? `${variable}: ${issue.message}`
          : `${sources.get(name) ?? variable}: ${issue.message}. Expected ${hint}.`,
      );
    }
  }
  if (problems.length > 0 || !parsed.success) throw new ConfigError(problems);
  const config = parsed.data;
  return Object.freeze({
    ...config,
    dataDir: config.dataDir === IN_MEMORY_DATA_DIR ? config.dataDir : path.resolve(cwd, config.dataDir),
  });
}

/** The configuration as `koppel doctor` prints it: every setting by its variable, secrets redacted. */
export function describeConfig(config: HubConfig): { env: string; value: string }[] {
  const shown = (name: SettingName): string => {
    const value = config[name];
    if (value === undefined) return '(unset)';
    if (name === 'secretKey' || name === 'metricsToken') return '[redacted]';
    if (name === 'previousSecretKeys') return `[${config.previousSecretKeys.length} redacted]`;
    if (name === 'databaseUrl' || name === 'smtpUrl') return describeDatabaseUrl(String(value));
    return String(value);
  };
  return SETTING_NAMES.map((name) => ({ env: SETTINGS[name].env, value: shown(name) }));
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

/** The settings table, for `docs/configuration.md`. */
export const CONFIG_SETTINGS: ReadonlyArray<{ env: string; key: string; hint: string }> = SETTING_NAMES.map(
  (name) => ({ env: SETTINGS[name].env, key: name, hint: SETTINGS[name].hint }),
);
