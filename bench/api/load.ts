// The load generator of bench:api, in its own process so that its CPU is not counted as the
// hub's and its event loop does not delay the hub's answers. One undici Pool of keep-alive
// connections, one request in flight per connection, each client looping until the deadline.
// Prints one JSON line: { requests, errors, seconds, p50, p99, max } (milliseconds).
import { Pool } from 'undici';

const [base, cookie, clientsArg, secondsArg] = process.argv.slice(2);
if (!base || !cookie || !clientsArg || !secondsArg) {
  throw new Error('usage: node bench/api/load.ts <base URL> <cookie> <clients> <seconds>');
}
const clients = Number(clientsArg);
const seconds = Number(secondsArg);

const pool = new Pool(base, { connections: clients, pipelining: 1 });
const headers = { cookie };
// Latencies in tenths of a millisecond, counted per bucket: no array that grows with the run.
const BUCKETS = 600_000;
const histogram = new Uint32Array(BUCKETS);
let requests = 0;
let errors = 0;

async function client(deadline: number): Promise<void> {
  while (performance.now() < deadline) {
    const sent = performance.now();
    let ok = false;
    try {
      const { statusCode, body } = await pool.request({ path: '/api/v1/me', method: 'GET', headers });
      await body.dump();
      ok = statusCode === 200;
    } catch {
      ok = false;
    }
    histogram[Math.min(BUCKETS - 1, Math.round((performance.now() - sent) * 10))]! += 1;
    requests++;
    if (!ok) errors++;
  }
}

function percentile(p: number): number {
  const rank = Math.ceil((requests * p) / 100);
  let seen = 0;
  for (let bucket = 0; bucket < BUCKETS; bucket++) {
    seen += histogram[bucket]!;
    if (seen >= rank) return bucket / 10;
  }
  return Number.NaN;
}

const started = performance.now();
await Promise.all(Array.from({ length: clients }, () => client(started + seconds * 1000)));
const elapsed = (performance.now() - started) / 1000;
await pool.close();
console.log(
  JSON.stringify({
    requests,
    errors,
    seconds: elapsed,
    p50: percentile(50),
    p99: percentile(99),
    max: percentile(100),
  }),
);
