// Import benchmark: an upload of N new accounts (default 500) written into exact-sim (a child
// process with Exact's real limit of 60 calls a minute, real clock) by the "Import into
// Exact" package exactly as a flow run does, into a fresh Postgres database for its state.
// Prints the share of the minutely budget used, 429s seen, and the time from the upload to
// the first call to Exact. Numbers only, never pass/fail. Usage: npm run bench:import [-- <rows>]
// Postgres: KOPPEL_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import { ExactClient } from '../../packages/exact/src/index.ts';
import { PostgresDestination } from '../../packages/hub/src/destinations/postgres-destination.ts';
import { exactImportPackage } from '../../packages/hub/src/flows/packages/exact-import/exact-import-package.ts';
import {
  IMPORT_ENTITIES,
  validateRows,
} from '../../packages/hub/src/flows/packages/exact-import/import-entities.ts';
import { ImportStore } from '../../packages/hub/src/flows/packages/exact-import/import-store.ts';
import { InProcessStreamLocks } from '../../packages/hub/src/flows/stream-lock.ts';
import { runStream } from '../../packages/hub/src/flows/stream-runner.ts';
import { authorizationCode } from '../support/authorization-code.ts';
import { type SimulatorAnnouncement, startSimulatorChild } from '../support/simulator-child.ts';

const records = Number(process.argv[2] ?? 500);
const adminUrl = process.env.KOPPEL_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

interface SimInfo extends SimulatorAnnouncement {
  divisions: number[];
}

async function simStats(url: string): Promise<{ calls: number; byStatus: Record<string, number> }> {
  const stats = (await (await fetch(`${url}/_sim/stats`)).json()) as {
    api: { calls: number; byStatus: Record<string, number> };
  };
  return stats.api;
}

const database = `koppel_bench_import_${process.pid}`;
const admin = new pg.Client({ connectionString: adminUrl });
await admin.connect();
await admin.query(`create database ${database}`);
const url = new URL(adminUrl);
url.pathname = `/${database}`;

const { child, info } = await startSimulatorChild<SimInfo>(new URL('./sim-process.ts', import.meta.url), [], {
  ...process.env,
  NODE_OPTIONS: '',
});
const destination = PostgresDestination.connect(url.toString());
try {
  const division = info.divisions[0] as number;
  // Every API call after the upload is timed; token calls are not API calls.
  let uploadedAt = 0;
  let firstCallAt = 0;
  const timedFetch: typeof fetch = (input, init) => {
    if (uploadedAt > 0 && firstCallAt === 0 && String(input).includes('/api/v1/'))
      firstCallAt = performance.now();
    return fetch(input, init);
  };
  const exact = new ExactClient({ region: info.url, ...info.app, fetch: timedFetch });
  await exact.connect(await authorizationCode(info, [division]));
  const before = await simStats(info.url);

  const flowId = randomUUID();
  const settings = exactImportPackage.settings.parse({});
  const accounts = IMPORT_ENTITIES.find((entity) => entity.name === 'accounts');
  if (accounts === undefined) throw new Error('no accounts import entity');
  const input = Array.from({ length: records }, (_, n) => ({
    code: `BENCH${String(n + 1).padStart(6, '0')}`,
    name: `Benchmark klant ${n + 1} B.V.`,
    email: `info@bench${n + 1}.nl`,
    city: 'Amersfoort',
    country: 'NL',
  }));
  const begin = performance.now();
  uploadedAt = begin;
  const store = new ImportStore(destination.driver, settings.schema);
  await store.prepare();
  await store.create(
    { id: randomUUID(), flowId, division, entity: 'accounts' },
    validateRows(accounts, input, settings.accountMatch),
  );
  const stats = await runStream(
    exactImportPackage,
    {
      streamId: `${flowId}/${division}/accounts`,
      division,
      entity: 'accounts',
      settings,
      exact: exact.division(division, { background: true }),
      region: 'nl',
      destination,
      resync: false,
      apiCalls: () => 0,
    },
    new InProcessStreamLocks(),
  );
  const seconds = (performance.now() - begin) / 1000;
  const after = await simStats(info.url);
  const calls = after.calls - before.calls;
  const throttled = (after.byStatus['429'] ?? 0) - (before.byStatus['429'] ?? 0);
  // Exact's minute windows are fixed (facts §2): the budget is 60 per window the import touched.
  const windows = Math.floor(Date.now() / 60_000) - Math.floor(firstCallWall / 60_000) + 1;
  const allowed = 60 * windows;
  process.stdout.write(
    [
      '',
      `bench/import — ${records} new accounts into Exact ("Import into Exact"), Exact's limit of 60 calls a minute`,
      `node                     ${process.version}`,
      `stream                   ${stats.status}${stats.error ? ` (${stats.error.code}: ${stats.error.message})` : ''}`,
      `rows written             ${stats.rowsWritten} of ${records}`,
      `API calls                ${calls} (${records} creates + the index read)`,
      `time                     ${seconds.toFixed(1)} s`,
      `budget used              ${calls} of ${allowed} calls in the ${windows} minute windows it spanned → ${((100 * calls) / allowed).toFixed(1)} %`,
      `average rate             ${((calls / seconds) * 60).toFixed(1)} calls a minute`,
      `429 answers              ${throttled}`,
      `upload → first API call  ${(firstCallAt - begin).toFixed(0)} ms`,
      '',
    ].join('\n'),
  );
} finally {
  child.kill('SIGTERM');
  await destination.close();
  await admin.query(`drop database if exists ${database} with (force)`);
  await admin.end();
}
