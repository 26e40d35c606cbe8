// Import benchmark: an upload of N new accounts (default 500) written into exact-sim (a child
// process with Exact's real limit of 60 calls a minute, real clock) by the "Import into
// Exact" package exactly as a flow run does, into a fresh Postgres database for its state.
// Prints the share of the minutely budget used, 429s seen, and the time from the upload to
// the first call to Exact. Numbers only, never pass/fail. Usage: npm run bench:import [-- <rows>]
// Postgres: KOPPEL_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres) holds
// the hub's rate budget (PostgresRateBudget, as flow runs share it) and the import's state.
import { randomUUID } from 'node:crypto';
import { ExactClient } from '../../packages/exact/src/index.ts';
import { PostgresRateBudget } from '../../packages/hub/src/connections/rate-budget.ts';
import { PostgresDestination } from '../../packages/hub/src/destinations/postgres-destination.ts';
import { exactImportPackage } from '../../packages/hub/src/flows/packages/exact-import/exact-import-package.ts';
import {
  IMPORT_ENTITIES,
  validateRows,
} from '../../packages/hub/src/flows/packages/exact-import/import-entities.ts';
import { ImportStore } from '../../packages/hub/src/flows/packages/exact-import/import-store.ts';
import { InProcessStreamLocks } from '../../packages/hub/src/flows/stream-lock.ts';
import { runStream } from '../../packages/hub/src/flows/stream-runner.ts';
import { migrateDatabase, openDatabase } from '../../packages/hub/src/storage/database.ts';
import { authorizationCode } from '../support/authorization-code.ts';
import { createBenchDatabase } from '../support/bench-database.ts';
import { type BenchSimulator, simApiStats } from '../support/sim-api-stats.ts';
import { startSimulatorChild } from '../support/simulator-child.ts';

const records = Number(process.argv[2] ?? 500);
const MINUTE = 60_000;

const bench = await createBenchDatabase('import');
const { child, info } = await startSimulatorChild<BenchSimulator>(
  new URL('./sim-process.ts', import.meta.url),
  [],
  { ...process.env, NODE_OPTIONS: '' },
);
const database = await openDatabase({ databaseUrl: bench.url, dataDir: 'memory://', poolSize: 4 });
const destination = PostgresDestination.connect(bench.url);
try {
  await migrateDatabase(database);
  const division = info.divisions[0] as number;
  // Every API call after the upload is timed; token calls are not API calls.
  let uploadedAt = 0;
  let firstCallAt = 0;
  let firstCallWall = 0;
  const timedFetch: typeof fetch = (input, init) => {
    if (uploadedAt > 0 && firstCallAt === 0 && String(input).includes('/api/v1/')) {
      firstCallAt = performance.now();
      firstCallWall = Date.now();
    }
    return fetch(input, init);
  };
  // The hub's own shared budget, as a flow run spends it.
  const exact = new ExactClient({
    region: info.url,
    ...info.app,
    fetch: timedFetch,
    rateBudget: new PostgresRateBudget(database.db),
    maxRateWaitMs: 2 * MINUTE,
  });
  await exact.connect(await authorizationCode(info, [division]));
  const before = await simApiStats(info.url);

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
  const after = await simApiStats(info.url);
  const calls = after.calls - before.calls;
  const throttled = after.rateLimited - before.rateLimited;
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
  await database.close();
  await bench.drop();
}
