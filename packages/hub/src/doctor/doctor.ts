import { sql } from 'drizzle-orm';
import { IN_MEMORY_DATA_DIR } from '../config/config.ts';
import type { Platform } from '../platform/platform.ts';
import { keyFileMode } from '../secrets/secret-box.ts';
import { migrationStatus, pingDatabase, queryRows } from '../storage/database.ts';

export type DoctorStatus = 'ok' | 'warn' | 'fail';

export interface DoctorResult {
  check: string;
  status: DoctorStatus;
  message: string;
}

/**
 * One diagnosis over the services it was made with. A check may return several results, e.g.
 * one per Exact app (redirect URI) or per connection (health). Features contribute checks
 * through their entry in app/features.ts.
 */
export interface DoctorCheck {
  name: string;
  run(env: DoctorEnvironment): Promise<DoctorResult | DoctorResult[]>;
}

export interface DoctorEnvironment {
  fetch: typeof fetch;
  timeoutMs: number;
}

export const databaseCheck = (platform: Platform): DoctorCheck => ({
  name: 'database',
  async run() {
    try {
      await pingDatabase(platform.database);
    } catch (error) {
      return {
        check: 'database',
        status: 'fail',
        message: `${platform.database.location} is unreachable: ${(error as Error).message}. Check DATABASE_URL and that Postgres is running.`,
      };
    }
    const status = await migrationStatus(platform.database);
    if (status.pending > 0) {
      return {
        check: 'database',
        status: 'fail',
        message: `${platform.database.location}: ${status.pending} of ${status.expected} migrations pending. Run \`koppel migrate\`.`,
      };
    }
    return {
      check: 'database',
      status: 'ok',
      message: `${platform.database.location}, ${status.applied} migrations applied`,
    };
  },
});

export const secretKeyCheck = (platform: Platform): DoctorCheck => ({
  name: 'secret-key',
  async run() {
    const results: DoctorResult[] = [];
    const { config, secrets } = platform;
    if (config.secretKey) {
      results.push({
        check: 'secret-key',
        status: 'ok',
        message: `KOPPEL_SECRET_KEY set (key id ${secrets.currentKeyId})`,
      });
    } else if (config.dataDir === IN_MEMORY_DATA_DIR) {
      results.push({
        check: 'secret-key',
        status: 'warn',
        message: 'in-memory data dir with a throw-away key; stored secrets are lost on exit',
      });
    } else {
      const mode = keyFileMode(config.dataDir);
      results.push(
        mode !== undefined && (mode & 0o077) !== 0
          ? {
              check: 'secret-key',
              status: 'fail',
              message: `key file in ${config.dataDir} has mode ${mode.toString(8)}; run \`chmod 600\` on it so only the hub's user can read it`,
            }
          : {
              check: 'secret-key',
              status: 'ok',
              message: `key file in ${config.dataDir} (key id ${secrets.currentKeyId}); back it up: secrets cannot be read without it`,
            },
      );
    }
    // Every `*_enc` column, including ones added later, must be sealed under a configured key.
    const columns = await queryRows(
      platform.db,
      sql`select table_name, column_name from information_schema.columns where table_schema = 'public' and column_name like '%\_enc'`,
    );
    const unknownKeys = new Map<string, number>();
    let stale = 0;
    for (const { table_name, column_name } of columns) {
      const rows = await queryRows(
        platform.db,
        sql`select split_part(${sql.identifier(String(column_name))}, '.', 2) as key_id, count(*)::int as n from ${sql.identifier(String(table_name))} where ${sql.identifier(String(column_name))} is not null group by 1`,
      );
      for (const row of rows) {
        const id = String(row.key_id);
        if (!secrets.hasKey(id)) unknownKeys.set(id, (unknownKeys.get(id) ?? 0) + Number(row.n));
        else if (id !== secrets.currentKeyId) stale += Number(row.n);
      }
    }
    if (unknownKeys.size > 0) {
      results.push({
        check: 'secret-key',
        status: 'fail',
        message: `${[...unknownKeys.values()].reduce((a, b) => a + b, 0)} stored secret(s) use key(s) ${[...unknownKeys.keys()].join(', ')} that are not configured; restore the old KOPPEL_SECRET_KEY or add it to KOPPEL_PREVIOUS_SECRET_KEYS`,
      });
    } else if (stale > 0) {
      results.push({
        check: 'secret-key',
        status: 'warn',
        message: `${stale} stored secret(s) still use a previous key; keep KOPPEL_PREVIOUS_SECRET_KEYS until they are re-encrypted`,
      });
    }
    return results;
  },
});

export const publicUrlCheck = (platform: Pick<Platform, 'publicUrl'>): DoctorCheck => ({
  name: 'public-url',
  run: (env) => checkPublicUrl(platform.publicUrl.value, env),
});

async function checkPublicUrl(publicUrl: string, env: DoctorEnvironment): Promise<DoctorResult[]> {
  const url = `${publicUrl}/healthz`;
  const results: DoctorResult[] = [];
  const host = new URL(publicUrl).hostname;
  if (publicUrl.startsWith('http://') && !['127.0.0.1', 'localhost', '::1', '[::1]'].includes(host)) {
    results.push({
      check: 'public-url',
      status: 'warn',
      message: `${publicUrl} is plain http on a non-local host: session cookies travel unencrypted. Put the hub behind https and set KOPPEL_PUBLIC_URL to the https address.`,
    });
  }
  try {
    const response = await env.fetch(url, { signal: AbortSignal.timeout(env.timeoutMs) });
    const body = (await response.json().catch(() => undefined)) as { status?: string } | undefined;
    results.push(
      response.ok && body?.status === 'ok'
        ? { check: 'public-url', status: 'ok', message: `${url} answers` }
        : {
            check: 'public-url',
            status: 'fail',
            message: `${url} answered HTTP ${response.status} but not as a Koppel hub; check KOPPEL_PUBLIC_URL and the proxy in front of the hub`,
          },
    );
  } catch (error) {
    results.push({
      check: 'public-url',
      status: 'fail',
      message: `${url} is unreachable (${(error as Error).message}). Is the hub running, and does KOPPEL_PUBLIC_URL point at it?`,
    });
  }
  return results;
}

/**
 * Doctor for an embedded hub that is running: its data dir is locked (PGlite allows one
 * process), so the database is checked through the running hub's /readyz instead.
 */
export async function runRemoteDoctor(
  publicUrl: string,
  lockMessage: string,
  metricsToken: string | undefined,
  env: Partial<DoctorEnvironment> = {},
): Promise<DoctorResult[]> {
  const environment: DoctorEnvironment = { fetch: env.fetch ?? fetch, timeoutMs: env.timeoutMs ?? 5000 };
  const results: DoctorResult[] = [];
  try {
    const response = await environment.fetch(`${publicUrl}/readyz`, {
      signal: AbortSignal.timeout(environment.timeoutMs),
      headers: metricsToken ? { authorization: `Bearer ${metricsToken}` } : {},
    });
    const body = (await response.json()) as {
      status?: string;
      checks?: Record<string, { ok: boolean; message: string }>;
    };
    if (!body.checks) {
      results.push({
        check: 'database',
        status: body.status === 'ready' ? 'ok' : 'fail',
        message: `${body.status === 'ready' ? 'ready' : 'not ready'} (reported by the running hub; set KOPPEL_METRICS_TOKEN for the details)`,
      });
    }
    for (const [name, check] of Object.entries(body.checks ?? {})) {
      results.push({
        check: name === 'migrations' ? 'database' : name,
        status: check.ok ? 'ok' : 'fail',
        message: `${check.message} (reported by the running hub)`,
      });
    }
  } catch (error) {
    results.push({
      check: 'database',
      status: 'fail',
      message: `${lockMessage} Its /readyz at ${publicUrl} did not answer (${(error as Error).message}); check KOPPEL_PUBLIC_URL.`,
    });
  }
  results.push({
    check: 'secret-key',
    status: 'warn',
    message:
      'not checked: the running hub holds the data dir; stop it and run `koppel doctor` again for the full check',
  });
  results.push(...(await checkPublicUrl(publicUrl, environment)));
  return results;
}

/** The platform's checks; features add theirs (the Exact half: one per app and per connection). */
export const platformDoctorChecks = (platform: Platform): DoctorCheck[] => [
  databaseCheck(platform),
  secretKeyCheck(platform),
  publicUrlCheck(platform),
];

export async function runDoctor(
  checks: DoctorCheck[],
  env: Partial<DoctorEnvironment> = {},
): Promise<DoctorResult[]> {
  const environment: DoctorEnvironment = { fetch: env.fetch ?? fetch, timeoutMs: env.timeoutMs ?? 5000 };
  const results: DoctorResult[] = [];
  for (const check of checks) {
    try {
      const outcome = await check.run(environment);
      results.push(...(Array.isArray(outcome) ? outcome : [outcome]));
    } catch (error) {
      results.push({
        check: check.name,
        status: 'fail',
        message: `check crashed: ${(error as Error).message}`,
      });
    }
  }
  return results;
}
