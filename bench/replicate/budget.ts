// Replication under Exact's real rate limits: exact-sim (child process) allows 60 calls a
// minute per division; the transaction_lines stream replicates into Postgres through the
// hub's shared PostgresRateBudget for three whole minute windows. Prints the share of the
// minutely budget used and the 429s. Numbers only. Usage: npm run bench:replicate:budget
import { ExactClient } from '../../packages/exact/src/index.ts';
import { PostgresRateBudget } from '../../packages/hub/src/connections/rate-budget.ts';
import { PostgresDestination } from '../../packages/hub/src/destinations/postgres-destination.ts';
import { replicatePackage } from '../../packages/hub/src/flows/packages/replicate/replicate-package.ts';
import { InProcessStreamLocks } from '../../packages/hub/src/flows/stream-lock.ts';
import { runStream } from '../../packages/hub/src/flows/stream-runner.ts';
import { migrateDatabase, openDatabase } from '../../packages/hub/src/storage/database.ts';
import { authorizationCode } from '../support/authorization-code.ts';
import { createBenchDatabase } from '../support/bench-database.ts';
import { type SimulatorAnnouncement, startSimulatorChild } from '../support/simulator-child.ts';

const WINDOWS = 3;
const MINUTE = 60_000;

interface SimInfo extends SimulatorAnnouncement {
  divisions: number[];
}

async function apiStats(url: string): Promise<{ calls: number; rateLimited: number }> {
  const stats = (await (await fetch(`${url}/_sim/stats`)).json()) as {
    api: { calls: number; rateLimited: number };
  };
  return stats.api;
}

const benchDatabase = await createBenchDatabase('budget');
// More lines than three minutes can read at 60 calls a minute, so the budget is the limit.
const { child, info } = await startSimulatorChild<SimInfo>(
  new URL('../sdk/sim-process.ts', import.meta.url),
  ['400000', 'exact-limits'],
  { ...process.env, NODE_OPTIONS: '' },
);
const database = await openDatabase({ databaseUrl: benchDatabase.url, dataDir: 'memory://', poolSize: 4 });
const destination = PostgresDestination.connect(benchDatabase.url);
try {
  await migrateDatabase(database);
  const division = info.divisions[0] as number;
  const exact = new ExactClient({
    region: info.url,
    ...info.app,
    rateBudget: new PostgresRateBudget(database.db),
    maxRateWaitMs: 2 * MINUTE,
  });
  await exact.connect(await authorizationCode(info, [division]));
  // Start on a whole minute: Exact's minute windows are fixed (facts §2).
  await new Promise((resolve) => setTimeout(resolve, MINUTE - (Date.now() % MINUTE) + 50));
  const before = await apiStats(info.url);
  const controller = new AbortController();
  const stop = setTimeout(() => controller.abort(), WINDOWS * MINUTE - 100);
  const stats = await runStream(
    replicatePackage,
    {
      streamId: `bench-budget/${division}/transaction_lines`,
      division,
      entity: 'transaction_lines',
      settings: replicatePackage.settings.parse({}),
      exact: exact.division(division, { background: true }),
      region: 'nl',
      destination,
      resync: false,
      apiCalls: () => 0,
      signal: controller.signal,
    },
    new InProcessStreamLocks(),
  );
  clearTimeout(stop);
  const after = await apiStats(info.url);
  const calls = after.calls - before.calls;
  // The stream is stopped on purpose at the end of the last window; anything else is news.
  const ending =
    controller.signal.aborted && stats.error?.code === 'stream_aborted'
      ? 'stopped at the end of the last window, as planned'
      : `${stats.status}${stats.error ? `: ${stats.error.code} ${stats.error.message}` : ''}`;
  process.stdout.write(
    [
      '',
      `bench/replicate budget — ${WINDOWS} minute windows at Exact's limit of 60 calls a minute`,
      `rows written       ${stats.rowsWritten.toLocaleString('en')} (${ending})`,
      `API calls          ${calls} of ${WINDOWS * 60}: ${((calls / (WINDOWS * 60)) * 100).toFixed(1)}% of the minutely budget`,
      `429 answers        ${after.rateLimited - before.rateLimited}`,
      '',
    ].join('\n'),
  );
} finally {
  child.kill('SIGTERM');
  await destination.close();
  await database.close();
  await benchDatabase.drop();
}
