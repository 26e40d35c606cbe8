// exact-sim benchmark: ordered and filtered pages of a 1,000,000-row standard endpoint
// (financialtransaction/TransactionLines), read over HTTP. An order on one field of a table
// this big is answered by selection from one column (no sort of every row), the first page
// too; the next pages come from what that selection read ahead, or a new selection after it.
// Filters in key order still build their field's index on first use (printed apart).
// Run with `npm run bench:sim:orderby` (optional argument: number of transaction lines).
import { accessToken } from '../support/access-token.ts';
import { cpuSecondsOf, memoryOf } from '../support/process-usage.ts';
import { type SimulatorAnnouncement, startSimulatorChild } from '../support/simulator-child.ts';

interface ServerInfo extends SimulatorAnnouncement {
  startMs: number;
  division: number;
  app: SimulatorAnnouncement['app'] & { clientSecret: string };
}

const LINES = Number(process.argv[2] ?? 1_000_000);
const SELECT = '$select=ID,Modified,AmountDC,Description';

const { child, info } = await startSimulatorChild<ServerInfo>(new URL('./server.ts', import.meta.url), [
  String(LINES),
]);
try {
  const token = await accessToken(info);
  const base = `${info.url}/api/v1/${info.division}/financialtransaction/TransactionLines`;

  /** GETs one page; returns its time in ms, its row count and its __next. */
  async function page(url: string): Promise<{ ms: number; rows: number; next: string | undefined }> {
    const began = performance.now();
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}`, accept: 'application/json' },
    });
    const text = await response.text();
    const ms = performance.now() - began;
    if (response.status !== 200) throw new Error(`${url} answered ${response.status}: ${text.slice(0, 300)}`);
    const d = (JSON.parse(text) as { d: { results: unknown[]; __next?: string } | unknown[] }).d;
    return Array.isArray(d)
      ? { ms, rows: d.length, next: undefined }
      : { ms, rows: d.results.length, next: d.__next };
  }

  /** The first page (with any index build) and the median and worst of the next `count` pages. */
  async function series(label: string, query: string, count = 20): Promise<void> {
    const cpuBefore = cpuSecondsOf(child.pid as number);
    const first = await page(`${base}?${query}`);
    const firstCpu = cpuSecondsOf(child.pid as number) - cpuBefore;
    const times: number[] = [];
    let next = first.next;
    while (next && times.length < count) {
      const result = await page(next);
      times.push(result.ms);
      next = result.next;
    }
    times.sort((a, b) => a - b);
    const median = times[Math.floor(times.length / 2)] ?? Number.NaN;
    console.log(
      `${label.padEnd(44)} first ${first.ms.toFixed(0).padStart(6)} ms (simulator CPU ${firstCpu.toFixed(2)} s)   next ${String(times.length).padStart(2)} pages: median ${median.toFixed(1).padStart(6)} ms, worst ${(times.at(-1) ?? Number.NaN).toFixed(1).padStart(6)} ms`,
    );
  }

  console.log(
    `transaction lines ${LINES.toLocaleString('en')} (standard endpoint, 60 rows a page, over HTTP)`,
  );
  await series('$orderby=Modified', `${SELECT}&$orderby=Modified`);
  await series('$orderby=Modified (again)', `${SELECT}&$orderby=Modified`);
  await series(
    '$orderby=Modified + Modified ge filter',
    `${SELECT}&$orderby=Modified&$filter=Modified ge datetime'2025-06-01'`,
  );
  await series('$orderby=Modified desc', `${SELECT}&$orderby=Modified desc`);
  await series("$filter=JournalCode eq '70' (key order)", `${SELECT}&$filter=JournalCode eq '70'`);
  await series('$filter=AmountDC gt 9000 (key order)', `${SELECT}&$filter=AmountDC gt 9000`);
  const mutate = await fetch(`${info.url}/_sim/mutations`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      division: info.division,
      entity: 'financialtransaction/TransactionLines',
      creates: 100,
      updates: 100,
      deletes: 100,
    }),
  });
  if (mutate.status !== 200) throw new Error(`mutations answered ${mutate.status}`);
  await series('$orderby=Modified after 300 changes', `${SELECT}&$orderby=Modified`);
  const memory = memoryOf(child.pid as number);
  console.log(
    `simulator RSS after the reads: ${memory.rss.toFixed(0)} MiB (peak ${memory.peak.toFixed(0)} MiB)`,
  );
} finally {
  child.kill('SIGTERM');
}
