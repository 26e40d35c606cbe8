// The simulator for the import benchmark, in its own process: Exact's real limits (60 calls a
// minute, 5,000 a day per app and division) on a real clock. Prints one JSON line
// {url, app, user, divisions} and runs until killed.
import { startSimulator } from '@koppel/exact-sim';

const sim = await startSimulator({
  port: 0,
  defaultApp: { minutelyLimit: 60, dailyLimit: 5_000 },
  defaultDivisions: [
    { code: 300001, description: 'Import BV', volumes: { accounts: 50, contacts: 10, addresses: 10 } },
  ],
});
process.stdout.write(
  `${JSON.stringify({ url: sim.url, app: sim.defaults.app, user: sim.defaults.user, divisions: sim.defaults.divisions })}\n`,
);
process.on('SIGTERM', () => {
  void sim.close().then(() => process.exit(0));
});
