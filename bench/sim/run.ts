// exact-sim benchmark: start-up time and memory with a 1,000,000-line division, then the
// throughput of a full sync/Financial/TransactionLines read over HTTP (rate limits off).
// Run with `npm run bench:sim` (optional argument: number of transaction lines).
import { accessToken } from '../support/access-token.ts';
import { cpuSecondsOf, memoryOf } from '../support/process-usage.ts';
import { type SimulatorAnnouncement, startSimulatorChild } from '../support/simulator-child.ts';
import { TYPICAL_TRANSACTION_LINE_FIELDS } from '../support/typical-fields.ts';

interface ServerInfo extends SimulatorAnnouncement {
  startMs: number;
  division: number;
}

const LINES = Number(process.argv[2] ?? 1_000_000);
const SELECT = ['Timestamp', ...TYPICAL_TRANSACTION_LINE_FIELDS].join(',');

const { child, info } = await startSimulatorChild<ServerInfo>(new URL('./server.ts', import.meta.url), [
  String(LINES),
]);
try {
  const afterStart = memoryOf(child.pid as number);
  console.log(`transaction lines        ${LINES.toLocaleString('en')}`);
  console.log(`start-up (with division) ${(info.startMs / 1000).toFixed(2)} s   (target < 30 s)`);
  console.log(`RSS after start-up       ${afterStart.rss.toFixed(0)} MiB (target < 2048 MiB)`);

  const token = await accessToken(info);
  let url: string | undefined =
    `${info.url}/api/v1/${info.division}/sync/Financial/TransactionLines?$filter=Timestamp%20gt%200L&$select=${SELECT}`;
  let rows = 0;
  let bytes = 0;
  let pages = 0;
  const cpuBefore = cpuSecondsOf(child.pid as number);
  const began = performance.now();
  while (url) {
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    const text = await response.text();
    if (response.status !== 200)
      throw new Error(`page ${pages + 1} answered ${response.status}: ${text.slice(0, 300)}`);
    const body = JSON.parse(text) as { d: { results: unknown[]; __next?: string } };
    rows += body.d.results.length;
    bytes += text.length;
    pages++;
    url = body.d.__next;
  }
  const seconds = (performance.now() - began) / 1000;
  const cpu = cpuSecondsOf(child.pid as number) - cpuBefore;
  const afterRead = memoryOf(child.pid as number);
  console.log(
    `sync read                ${rows.toLocaleString('en')} rows in ${pages} pages, ${(bytes / 1048576).toFixed(0)} MiB of JSON`,
  );
  console.log(`sync read time           ${seconds.toFixed(2)} s`);
  console.log(
    `sync read throughput     ${Math.round(rows / seconds).toLocaleString('en')} rows/s (target >= 50,000)`,
  );
  // Independent of other load on the machine: rows served per CPU-second of the simulator.
  console.log(
    `simulator CPU            ${cpu.toFixed(2)} s, ${Math.round(rows / cpu).toLocaleString('en')} rows per CPU-second`,
  );
  console.log(
    `RSS after read           ${afterRead.rss.toFixed(0)} MiB, peak ${afterRead.peak.toFixed(0)} MiB (target < 2048 MiB)`,
  );
  if (rows !== LINES) throw new Error(`expected ${LINES} rows, read ${rows}`);
} finally {
  child.kill('SIGTERM');
}
