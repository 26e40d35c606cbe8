// The simulator for the SDK benchmark, in its own process so that the benchmark's RSS is
// the SDK's alone. Prints one JSON line {url, app, user, divisions} and runs until killed.
// Arguments: the number of transaction lines, and `exact-limits` for Exact's real rate limits
// (60 calls a minute, 5,000 a day) instead of limits that never pause a read.
import { startSimulator } from '@koppel/exact-sim';

const rows = Number(process.argv[2] ?? 1_000_000);
const exactLimits = process.argv[3] === 'exact-limits';
const sim = await startSimulator({
  port: 0,
  defaultApp: exactLimits
    ? { minutelyLimit: 60, dailyLimit: 5_000 }
    : { minutelyLimit: 1_000_000, dailyLimit: 10_000_000 },
  defaultVolumes: { accounts: 10, contacts: 1, addresses: 1, items: 10, glAccounts: 20 },
  defaultDivisions: [
    {
      code: 200001,
      description: 'Benchmark BV',
      volumes: { accounts: 10, items: 10, glAccounts: 20, transactionLines: rows },
    },
  ],
});
process.stdout.write(
  `${JSON.stringify({ url: sim.url, app: sim.defaults.app, user: sim.defaults.user, divisions: sim.defaults.divisions })}\n`,
);
process.on('SIGTERM', () => {
  void sim.close().then(() => process.exit(0));
});
