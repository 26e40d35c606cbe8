// One of several processes that share a connection: sets up, prints "ready", waits for "go"
// on stdin (so all processes start together), then calls current/Me through the Postgres
// token store while the access token has expired. Prints one JSON line with what it saw.
// Run with the hub's environment (DATABASE_URL, KOPPEL_SECRET_KEY) plus CONNECTION_ID,
// CLOCK_OFFSET_MS and CALLS_PER_PROCESS.
import { loadConfig } from '../../src/config/config.ts';
import { exactAccess } from '../../src/connections/exact-access.ts';
import { createRepositories, type HubContext } from '../../src/hub-context.ts';
import { JobQueue } from '../../src/jobs/job-queue.ts';
import { createLogger } from '../../src/logging/logger.ts';
import { loadSecretBox } from '../../src/secrets/secret-box.ts';
import { openDatabase } from '../../src/storage/database.ts';

const connectionId = process.env.CONNECTION_ID!;
const offsetMs = Number(process.env.CLOCK_OFFSET_MS ?? 0);
const callsPerProcess = Number(process.env.CALLS_PER_PROCESS ?? 1);

const config = loadConfig(process.env);
const logger = createLogger('silent');
const database = await openDatabase({
  databaseUrl: config.databaseUrl,
  dataDir: config.dataDir,
  poolSize: 4,
});
const ctx: HubContext = {
  config,
  database,
  db: database.db,
  secrets: loadSecretBox(config, false).box,
  logger,
  // The simulator's clock runs ahead: this process sees the access token as expired, like Exact does.
  clock: { now: () => new Date(Date.now() + offsetMs) },
  repos: createRepositories(database.db),
  jobs: new JobQueue(database, logger, []),
};
try {
  const access = exactAccess(ctx);
  const connection = await access.connections.findById(connectionId);
  const app = connection ? await access.apps.findById(connection.appId) : undefined;
  if (!connection || !app) throw new Error(`connection ${connectionId} not found`);
  const client = access.client(app, connection.id);
  process.stdout.write('ready\n');
  await new Promise((resolve) => process.stdin.once('data', resolve));
  const users = await Promise.all(Array.from({ length: callsPerProcess }, () => client.me()));
  process.stdout.write(`${JSON.stringify({ ok: true, users: users.map((u) => u.UserID) })}\n`);
} catch (error) {
  process.stdout.write(`${JSON.stringify({ ok: false, error: String((error as Error).message) })}\n`);
  process.exitCode = 1;
} finally {
  await database.close();
}
