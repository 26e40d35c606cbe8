// Starts what the dashboard needs for real: exact-sim, and a hub with every standard module
// (which serves packages/web/dist).
import { Writable } from 'node:stream';
import { type RunningSimulator, startSimulator } from '@koppel/exact-sim';
import {
  type AppServices,
  createHub,
  type Feature,
  type Hub,
  loadConfig,
  STANDARD_FEATURES,
} from '@koppel/hub';
import { demoAppsPlugin } from '../../../hub/src/connections/demo-sandbox.ts';
import { freePort } from '../../../hub/test/support/free-port.ts';

/** Keeps the hub's log lines so a failing test can print them. */
export class LogLines extends Writable {
  readonly lines: string[] = [];
  override _write(chunk: Buffer, _encoding: string, done: () => void): void {
    this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    done();
  }
}

export interface Stack {
  hub: Hub;
  base: string;
  sim: RunningSimulator;
  logs: LogLines;
  close(): Promise<void>;
}

export interface StackOptions {
  /**
   * As `npm start` runs it: exact-sim's default app registered with the hub's redirect URI,
   * every new workspace gets the sandbox app and connection, and a worker runs the flows. Unlike
   * `npm start` the connection gets no ready-made flow, so a test chooses the package itself.
   */
  sandbox?: boolean;
}

/**
 * exact-sim plus a hub on an in-memory PGlite, both on random ports. The hub gets a fixed port
 * and public URL, as in production: its OAuth failure page links back to the URL it had at start.
 */
export async function startStack(options: StackOptions = {}): Promise<Stack> {
  const port = await freePort();
  const sim = await startSimulator(
    {
      port: 0,
      ...(options.sandbox
        ? { defaultApp: { redirectUri: `http://127.0.0.1:${port}/oauth/exact/callback` } }
        : {}),
    },
    { log: () => {} },
  );
  const logs = new LogLines();
  const config = loadConfig({
    KOPPEL_PORT: String(port),
    KOPPEL_PUBLIC_URL: `http://127.0.0.1:${port}`,
    KOPPEL_DATA_DIR: 'memory://',
    KOPPEL_LOG_LEVEL: 'info',
    KOPPEL_EXACT_BASE_URLS: sim.url,
  });
  const sandbox: Feature = {
    name: 'sandbox',
    rootRoutes: (s: AppServices) => [demoAppsPlugin(s.connectionsDeps, sim)],
  };
  const features = options.sandbox ? [...STANDARD_FEATURES, sandbox] : STANDARD_FEATURES;
  const hub = await createHub(config, { features, logDestination: logs });
  if (options.sandbox) await hub.startWorker({ pollingIntervalSeconds: 0.5 });
  const base = await hub.listen();
  return {
    hub,
    base,
    sim,
    logs,
    async close() {
      await Promise.allSettled([hub.close(), sim.close()]);
    },
  };
}
