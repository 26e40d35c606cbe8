// Home page benchmark: GET /api/v1/workspaces/{ws}/overview's queries against a run history of
// growing size, on Postgres. The history outside the overview's window grows (default 0, then
// 1,000,000 runs of one stream each, 30–400 days old); the last three days hold the same 3 × 24
// runs each time. The figure should not grow with the history: the window bounds the scan.
// Run with `npm run bench:overview` (optional argument: history sizes, e.g. 0,200000,1000000).
import { randomBytes, randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import pg from 'pg';
import { createHub, loadConfig } from '../../packages/hub/src/index.ts';

const SIZES = (process.argv[2] ?? '0,1000000').split(',').map(Number);
const REPEAT = 30;
const POSTGRES_ADMIN_URL =
  process.env.KOPPEL_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

const percentile = (sorted: number[], p: number) =>
  sorted[Math.min(sorted.length - 1, Math.floor(p * sorted.length))]!;

async function main(): Promise<void> {
  const name = `koppel_bench_overview_${randomBytes(4).toString('hex')}`;
  const admin = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(POSTGRES_ADMIN_URL);
  url.pathname = `/${name}`;
  const hub = await createHub(
    loadConfig({
      DATABASE_URL: url.toString(),
      KOPPEL_SECRET_KEY: randomBytes(32).toString('base64'),
      KOPPEL_LOG_LEVEL: 'warn',
    }),
  );
  const db = new pg.Client({ connectionString: url.toString() });
  await db.connect();
  try {
    const workspaceId = randomUUID();
    const appId = randomUUID();
    const connectionId = randomUUID();
    const flowId = randomUUID();
    await db.query(`insert into workspaces (id, name) values ($1, 'Bench')`, [workspaceId]);
    await db.query(
      `insert into exact_apps (id, workspace_id, title, client_id, client_secret_enc, region)
       values ($1, $2, 'Bench app', 'bench-client', 'not-a-secret', 'nl')`,
      [appId, workspaceId],
    );
    await db.query(
      `insert into connections (id, workspace_id, app_id, name, status) values ($1, $2, $3, 'Bench', 'active')`,
      [connectionId, workspaceId, appId],
    );
    await db.query(
      `insert into flows (id, workspace_id, connection_id, package_id, name, entities, settings, schedule, enabled)
       values ($1, $2, $3, 'replicate', 'Bench flow', '{accounts}', '{}', '*/15 * * * *', true)`,
      [flowId, workspaceId, connectionId],
    );
    await db.query(`insert into exact_rate_budgets (key, state) values ('bench-client:1001', $1)`, [
      JSON.stringify({ daily: { limit: 5000, remaining: 4200, resetAt: Date.now() + 3_600_000 } }),
    ]);
    /** `count` runs, one stream each, `fromHours`–`toHours` ago. */
    const addRuns = async (count: number, fromHours: number, toHours: number) => {
      await db.query(
        `with runs as (
           insert into flow_runs (id, flow_id, trigger, status, queued_at, started_at, finished_at)
           select gen_random_uuid(), $1, 'schedule', 'succeeded', t, t, t
           from (select now() - make_interval(secs => ($3::float8 + random() * ($4::float8 - $3::float8)) * 3600) as t
                 from generate_series(1, $2::int)) g
           returning id, finished_at)
         insert into flow_run_streams (run_id, division, entity, status, rows_written, api_calls, finished_at)
         select id, 1001, 'accounts', 'succeeded', 10, 2, finished_at from runs`,
        [flowId, count, fromHours, toHours],
      );
    };
    await addRuns(72, 0, 71);
    let history = 0;
    for (const size of SIZES) {
      const started = performance.now();
      for (let added = history; added < size; added += 100_000)
        await addRuns(Math.min(100_000, size - added), 30 * 24, 400 * 24);
      if (size > history) await db.query('analyze flow_runs; analyze flow_run_streams');
      const loadSeconds = (performance.now() - started) / 1000;
      history = Math.max(history, size);
      const times: number[] = [];
      let rows = 0;
      for (let i = 0; i < REPEAT; i++) {
        const t0 = performance.now();
        const overview = await hub.services.overview.overview(workspaceId, 3);
        times.push(performance.now() - t0);
        rows = overview.hourly.reduce((sum, hour) => sum + hour.rowsMoved, 0);
      }
      times.sort((a, b) => a - b);
      console.log(
        `history ${history.toLocaleString('en-US')} runs (+72 in the window, loaded in ${loadSeconds.toFixed(1)} s): ` +
          `overview p50 ${percentile(times, 0.5).toFixed(1)} ms, p90 ${percentile(times, 0.9).toFixed(1)} ms ` +
          `(rows moved in the window: ${rows}); load average ${loadavg()[0]!.toFixed(2)}`,
      );
    }
  } finally {
    await db.end();
    await hub.close();
    await admin.query(`drop database if exists ${name} with (force)`);
    await admin.end();
  }
}

await main();
