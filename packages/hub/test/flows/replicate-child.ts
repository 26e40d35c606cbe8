// A replication worker the kill test can `kill -9`: takes an authorization code from the
// parent, replicates one stream of a division from exact-sim into Postgres (a connection
// string) under the Postgres stream lock, and prints its stream statistics as one JSON line.
// Environment: SIM_URL, CLIENT_ID, CLIENT_SECRET, REDIRECT_URI, CODE, DATABASE_URL, DIVISION, ENTITY.
import { ExactClient } from '@koppel/exact';
import pg from 'pg';
import { PostgresDestination } from '../../src/destinations/postgres-destination.ts';
import { replicatePackage } from '../../src/flows/packages/replicate/replicate-package.ts';
import { PostgresStreamLocks } from '../../src/flows/stream-lock.ts';
import { runStream } from '../../src/flows/stream-runner.ts';

function env(name: string): string {
  const value = process.env[name];
  if (value === undefined) throw new Error(`${name} is not set`);
  return value;
}
const exact = new ExactClient({
  region: env('SIM_URL'),
  clientId: env('CLIENT_ID'),
  clientSecret: env('CLIENT_SECRET'),
  redirectUri: env('REDIRECT_URI'),
});
await exact.connect(env('CODE'));
const destination = PostgresDestination.connect(env('DATABASE_URL'));
const lockPool = new pg.Pool({ connectionString: env('DATABASE_URL'), max: 2 });
const division = Number(env('DIVISION'));
const stats = await runStream(
  replicatePackage,
  {
    streamId: `kill-test/${division}/${env('ENTITY')}`,
    division,
    entity: env('ENTITY'),
    settings: replicatePackage.settings.parse({}),
    exact: exact.division(division, { background: true }),
    destination,
    resync: false,
    apiCalls: () => 0,
  },
  new PostgresStreamLocks(lockPool),
);
process.stdout.write(`${JSON.stringify(stats)}\n`);
await destination.close();
await lockPool.end();
