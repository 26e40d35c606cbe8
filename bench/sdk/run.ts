// SDK benchmark: a full sync read of financial transaction lines from exact-sim running in a
// child process. Prints rows/s, peak RSS of this (SDK) process, and API calls used against
// the minimum. Numbers only, never pass/fail. Usage: npm run bench:sdk [-- <rows> [floor]]
// `floor` reads with fetch + JSON.parse only: the memory any client of this process needs.
import { getHeapSpaceStatistics } from 'node:v8';
import { ExactClient, transactionLines } from '../../packages/exact/src/index.ts';
import { defaultSelect } from '../../packages/exact/src/odata/query-options.ts';
import { authorizationCode } from '../support/authorization-code.ts';
import { type SimulatorAnnouncement, startSimulatorChild } from '../support/simulator-child.ts';
import { TYPICAL_TRANSACTION_LINE_FIELDS } from '../support/typical-fields.ts';

const rows = Number(process.argv[2] ?? 1_000_000);
const floorOnly = process.argv[3] === 'floor';
const MiB = 1024 * 1024;
const mib = (bytes: number) => `${(bytes / MiB).toFixed(0)} MiB`;

interface SimInfo extends SimulatorAnnouncement {
  divisions: number[];
}

function startSim() {
  // V8 flags given for the SDK process (NODE_OPTIONS) must not change the simulator's speed.
  return startSimulatorChild<SimInfo>(new URL('./sim-process.ts', import.meta.url), [String(rows)], {
    ...process.env,
    NODE_OPTIONS: '',
  });
}

/** The V8 flags this process runs with, from its command line and NODE_OPTIONS. */
function v8Flags(): string {
  const flags = [...process.execArgv, ...(process.env.NODE_OPTIONS ?? '').split(' ')].filter(Boolean);
  return flags.length > 0 ? flags.join(' ') : 'default V8 flags';
}

async function apiCalls(url: string): Promise<number> {
  const stats = (await (await fetch(`${url}/_sim/stats`)).json()) as { api: { calls: number } };
  return stats.api.calls;
}

const started = Date.now();
const { child, info } = await startSim();
process.stdout.write(
  `simulator ready with ${rows.toLocaleString('en')} transaction lines in ${((Date.now() - started) / 1000).toFixed(1)} s\n`,
);
// The 17 fields bench/sim reads, so both benchmarks can be compared; then every catalogue field.
const TYPICAL = TYPICAL_TRANSACTION_LINE_FIELDS;

async function measure(exact: ExactClient, division: number, label: string, select?: readonly string[]) {
  let peakRss = process.memoryUsage.rss();
  const baselineRss = peakRss;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 50);
  const callsBefore = await apiCalls(info.url);
  const checkpoints: string[] = [];
  const cpuBefore = process.cpuUsage();
  const begin = performance.now();
  let read = 0;
  let pages = 0;
  let cursor = '0';
  for await (const page of exact.division(division).sync(transactionLines, select ? { select } : {})) {
    read += page.rows.length;
    pages++;
    cursor = page.cursor;
    if (pages % 100 === 0 || page.rows.length < 1000) {
      const m = process.memoryUsage();
      peakRss = Math.max(peakRss, m.rss);
      checkpoints.push(
        `${String(read).padStart(9)} rows: RSS ${mib(m.rss)}, heap used/total ${mib(m.heapUsed)}/${mib(m.heapTotal)}, external ${mib(m.external)}`,
      );
    }
  }
  const seconds = (performance.now() - begin) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  clearInterval(sampler);
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
  const calls = (await apiCalls(info.url)) - callsBefore;
  const spaces = Object.fromEntries(
    getHeapSpaceStatistics().map((space) => [space.space_name, space.space_size]),
  );
  process.stdout.write(
    [
      '',
      `bench/sdk — sync read of financial TransactionLines, ${label}, typed rows`,
      `node               ${process.version}, ${v8Flags()}`,
      `rows read          ${read.toLocaleString('en')} (cursor ${cursor})`,
      `time               ${seconds.toFixed(2)} s`,
      `throughput         ${Math.round(read / seconds).toLocaleString('en')} rows/s`,
      // Holds when other work shares the cores, unlike wall-clock rows/s.
      `SDK process CPU    ${cpuSeconds.toFixed(2)} s: ${Math.round(read / cpuSeconds).toLocaleString('en')} rows per CPU-second`,
      `RSS before read    ${mib(baselineRss)}`,
      `peak RSS           ${mib(peakRss)}`,
      `V8 spaces at end   young ${mib(spaces.new_space ?? 0)}, old ${mib(spaces.old_space ?? 0)}, large objects ${mib(spaces.large_object_space ?? 0)}`,
      'RSS over the read',
      ...checkpoints.map((line) => `  ${line}`),
      `API calls          ${calls} (minimum ceil(rows/1000) = ${Math.ceil(read / 1000)})`,
      '',
    ].join('\n'),
  );
}

/**
 * The same read with bare fetch and no parsing: the rate exact-sim can serve, which bounds
 * what any client reaches on this machine. With `parse`, each page is JSON.parse'd and kept
 * until the next one has arrived, as the SDK does, but no rows are built: the floor.
 */
async function measureBare(
  exact: ExactClient,
  division: number,
  select: readonly string[],
  parse = false,
): Promise<void> {
  const token = await exact.tokens.accessToken();
  let peakRss = process.memoryUsage.rss();
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage.rss());
  }, 50);
  const query = `$select=${[...select, 'Timestamp'].join(',')}&$filter=Timestamp%20gt%200L`;
  let url: string | undefined = `${info.url}/api/v1/${division}/sync/Financial/TransactionLines?${query}`;
  let bytes = 0;
  let pages = 0;
  const begin = performance.now();
  while (url !== undefined) {
    const response = await fetch(url, {
      headers: { Accept: 'application/json', Authorization: `Bearer ${token}` },
    });
    const text = await response.text();
    bytes += text.length;
    pages++;
    if (parse) {
      url = (JSON.parse(text) as { d: { __next?: string } }).d.__next;
    } else {
      const at = text.lastIndexOf('"__next":"');
      url = at < 0 ? undefined : (JSON.parse(text.slice(at + 9, text.indexOf('"', at + 10) + 1)) as string);
    }
  }
  const seconds = (performance.now() - begin) / 1000;
  clearInterval(sampler);
  const pace = `${Math.round((pages * 1000) / seconds).toLocaleString('en')} rows/s`;
  process.stdout.write(
    parse
      ? `fetch + JSON.parse ${pace}, peak RSS ${mib(Math.max(peakRss, process.memoryUsage.rss()))}, no SDK (${pages} pages, ${(bytes / MiB).toFixed(0)} MiB): the floor of any client in this process\n`
      : `bare fetch         ${pace} without the SDK or parsing (${pages} pages, ${(bytes / MiB).toFixed(0)} MiB): the simulator's own pace\n`,
  );
}

try {
  const division = info.divisions[0] as number;
  const exact = new ExactClient({ region: info.url, ...info.app });
  await exact.connect(await authorizationCode(info, [division]));
  if (floorOnly) {
    process.stdout.write(`RSS before read    ${mib(process.memoryUsage.rss())}\n`);
    await measureBare(exact, division, TYPICAL, true);
  } else {
    await measure(exact, division, `${TYPICAL.length + 1} fields (as bench/sim)`, TYPICAL);
    await measureBare(exact, division, TYPICAL);
    await measure(exact, division, 'all catalogue fields');
    await measureBare(exact, division, defaultSelect(transactionLines));
  }
} finally {
  child.kill('SIGTERM');
}
