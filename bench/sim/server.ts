// Child process of bench/sim/run.ts: starts a simulator with one division of N transaction
// lines (rate limits off) and reports how long that took on stdout, as one JSON line.
import { startSimulator } from '../../packages/exact-sim/src/index.ts';

const lines = Number(process.argv[2] ?? 1_000_000);
const started = performance.now();
const sim = await startSimulator({
  port: 0,
  seed: 1,
  rateLimits: { enabled: false },
  defaultDivisions: [
    { code: 100001, description: 'Bakkerij Benchmark B.V.', volumes: { transactionLines: lines } },
  ],
});
const startMs = performance.now() - started;
process.stdout.write(
  `${JSON.stringify({
    url: sim.url,
    startMs,
    division: sim.defaults.divisions[0],
    app: sim.defaults.app,
    user: sim.defaults.user,
  })}\n`,
);
process.on('SIGTERM', () => {
  void sim.close().then(() => process.exit(0));
});
