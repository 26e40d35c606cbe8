// Replication benchmark: an initial load of financial transaction lines from exact-sim (a
// child process, rate limits off) into a fresh Postgres database through the "Replicate to
// database" package, one stream, exactly as a flow run writes it. Prints rows/s, rows per
// CPU-second of this (hub) process, its peak RSS, and API calls against the minimum.
// Numbers only, never pass/fail. Usage: npm run bench:replicate [-- <rows>]
// Postgres: KOPPEL_BENCH_POSTGRES_URL (default postgres://postgres@127.0.0.1:5432/postgres).
import { loadavg } from 'node:os';
import { ExactClient } from '../../packages/exact/src/index.ts';
import { PostgresDestination } from '../../packages/hub/src/destinations/postgres-destination.ts';
import { replicatePackage } from '../../packages/hub/src/flows/packages/replicate/replicate-package.ts';
import { InProcessStreamLocks } from '../../packages/hub/src/flows/stream-lock.ts';
import { runStream } from '../../packages/hub/src/flows/stream-runner.ts';
import { authorizationCode } from '../support/authorization-code.ts';
import { createBenchDatabase } from '../support/bench-database.ts';
import { watchPostgresCpu } from '../support/postgres-cpu.ts';
import { cpuSecondsOf } from '../support/process-usage.ts';
import { type SimulatorAnnouncement, startSimulatorChild } from '../support/simulator-child.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const MiB = 1024 * 1024;

interface SimInfo extends SimulatorAnnouncement {
  divisions: number[];
}

async function simStats(url: string): Promise<{ calls: number; byEndpoint: Record<string, number> }> {
  const stats = (await (await fetch(`${url}/_sim/stats`)).json()) as {
    api: { calls: number; byEndpoint: Record<string, number> };
  };
  return stats.api;
}

const benchDatabase = await createBenchDatabase('replicate');

const started = Date.now();
const { child, info } = await startSimulatorChild<SimInfo>(
  new URL('../sdk/sim-process.ts', import.meta.url),
  [String(rows)],
  { ...process.env, NODE_OPTIONS: process.env.KOPPEL_BENCH_SIM_NODE_OPTIONS ?? '' },
);
process.stdout.write(
  `simulator ready with ${rows.toLocaleString('en')} transaction lines in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
const destination = PostgresDestination.connect(benchDatabase.url);
try {
  const division = info.divisions[0] as number;
  const exact = new ExactClient({ region: info.url, ...info.app });
  await exact.connect(await authorizationCode(info, [division]));
  const before = await simStats(info.url);
  let peakRss = process.memoryUsage.rss();
  // `memoryUsage.rss()` alone: the full `memoryUsage()` walks V8's heap spaces, a cost the
  // hub's CPU figure would carry twenty times a second.
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 50);
  // Where the time goes: this (hub) process, the simulator serving pages, Postgres writing them.
  const postgresCpu = await watchPostgresCpu(benchDatabase.url);
  const postgresSampler = setInterval(() => void postgresCpu.sample(), 500);
  const simCpuBefore = cpuSecondsOf(child.pid as number);
  const cpuBefore = process.cpuUsage();
  const begin = performance.now();
  const stats = await runStream(
    replicatePackage,
    {
      streamId: `bench/${division}/transaction_lines`,
      division,
      entity: 'transaction_lines',
      settings: replicatePackage.settings.parse({}),
      exact: exact.division(division, { background: true }),
      region: 'nl',
      destination,
      resync: false,
      apiCalls: () => 0,
    },
    new InProcessStreamLocks(),
  );
  const seconds = (performance.now() - begin) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  clearInterval(sampler);
  clearInterval(postgresSampler);
  await postgresCpu.sample();
  await postgresCpu.close();
  const simCpuSeconds = cpuSecondsOf(child.pid as number) - simCpuBefore;
  const postgresCpuSeconds = postgresCpu.seconds();
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const after = await simStats(info.url);
  const calls = after.calls - before.calls;
  const deletedCalls =
    (after.byEndpoint['GET sync/Deleted'] ?? 0) - (before.byEndpoint['GET sync/Deleted'] ?? 0);
  const [count] = (
    await destination.driver.query<{ n: string }>('select count(*) as n from exact.transaction_lines')
  ).rows;
  process.stdout.write(
    [
      '',
      'bench/replicate — initial load of financial TransactionLines into Postgres (replicate package)',
      `node               ${process.version}`,
      `stream             ${stats.status}${stats.error ? ` (${stats.error.code}: ${stats.error.message})` : ''}`,
      `rows read/written  ${stats.rowsRead.toLocaleString('en')} / ${stats.rowsWritten.toLocaleString('en')} (table holds ${Number(count?.n).toLocaleString('en')})`,
      `time               ${seconds.toFixed(2)} s`,
      `throughput         ${Math.round(stats.rowsWritten / seconds).toLocaleString('en')} rows/s`,
      // Holds when other work shares the cores, unlike wall-clock rows/s.
      `hub process CPU    ${cpuSeconds.toFixed(2)} s: ${Math.round(stats.rowsWritten / cpuSeconds).toLocaleString('en')} rows per CPU-second`,
      `simulator CPU      ${simCpuSeconds.toFixed(2)} s (serving the pages)`,
      `Postgres CPU       ${postgresCpuSeconds.toFixed(2)} s (the destination's backends)`,
      `CPU per 1,000 rows hub ${((cpuSeconds * 1e6) / stats.rowsWritten).toFixed(1)} ms, simulator ${((simCpuSeconds * 1e6) / stats.rowsWritten).toFixed(1)} ms, Postgres ${((postgresCpuSeconds * 1e6) / stats.rowsWritten).toFixed(1)} ms`,
      `peak RSS           ${(peakRss / MiB).toFixed(0)} MiB`,
      `API calls          ${calls} (minimum ceil(rows/1000) + deleted feed = ${Math.ceil(rows / 1000)} + ${deletedCalls})`,
      `load average       ${loadavg()
        .map((value) => value.toFixed(2))
        .join(' ')} (other work on the machine slows rows/s, not the CPU figures)`,
      '',
    ].join('\n'),
  );
} finally {
  child.kill('SIGTERM');
  await destination.close();
  await benchDatabase.drop();
}
