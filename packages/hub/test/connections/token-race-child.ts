// One of several processes that share a connection: sets up, prints "ready", waits for "go"
// on stdin (so all processes start together), then calls current/Me through the Postgres
// token store while the access token has expired. Prints one JSON line with what it saw.
// Run with the hub's environment (DATABASE_URL, KOPPEL_SECRET_KEY) plus CONNECTION_ID,
// CLOCK_OFFSET_MS and CALLS_PER_PROCESS.

import { buildAppServices } from '../../src/app/app-services.ts';
import { CORE_FEATURES } from '../../src/app/features.ts';
import { loadConfig } from '../../src/config/config.ts';

const connectionId = process.env.CONNECTION_ID!;
const offsetMs = Number(process.env.CLOCK_OFFSET_MS ?? 0);
const callsPerProcess = Number(process.env.CALLS_PER_PROCESS ?? 1);

// The simulator's clock runs ahead: this process sees the access token as expired, like Exact does.
const services = await buildAppServices(
  { ...loadConfig(process.env), logLevel: 'silent', databasePoolSize: 4 },
  { features: CORE_FEATURES, migrate: false, clock: { now: () => new Date(Date.now() + offsetMs) } },
);
try {
  const access = services.exact;
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
  await services.close();
}
