#!/usr/bin/env node
import { join } from 'node:path';
// `npm start`: the hub on the embedded database, an Exact Online simulator beside it, and the
// simulator's default app registered in every workspace, so a newcomer can sign up and
// authorize at once. For a real Exact account run `koppel start` instead.
import { resolveBaseUrl } from '@koppel/exact';
import { type AppServices, buildAppServices } from '../app/app-services.ts';
import { STANDARD_FEATURES } from '../app/features.ts';
import { IN_MEMORY_DATA_DIR, loadConfig } from '../config/config.ts';
import { DEMO_APP_TITLE, demoAppsPlugin, ensureDemoApps } from '../connections/demo-sandbox.ts';
import { exactRedirectUri } from '../connections/redirect-uri.ts';
import { ConfigError } from '../errors/hub-error.ts';
import { ensureDemoFlows } from '../flows/demo-flows.ts';
import { PublicUrl } from '../platform/public-url.ts';
import { serveHttp } from './hub.ts';

const DEFAULT_SIM_PORT = 5080;

async function main(): Promise<void> {
  const config = loadConfig(process.env);
  const simPort = Number(process.env.EXACT_SIM_PORT ?? DEFAULT_SIM_PORT);
  if (!Number.isInteger(simPort) || simPort < 0 || simPort > 65535) {
    throw new ConfigError([
      `EXACT_SIM_PORT: expected a TCP port number, got "${process.env.EXACT_SIM_PORT}".`,
    ]);
  }
  if (config.port === 0 && config.publicUrl === undefined) {
    // The simulator registers the hub's callback before the hub listens, so the port must be known.
    throw new ConfigError([
      "KOPPEL_PORT: npm start needs a fixed port (or KOPPEL_PUBLIC_URL), because the sandbox app is registered with the hub's redirect URI before the hub starts. Leave it unset for 3000.",
    ]);
  }
  // A development dependency: imported only when the demo runs, so the hub does not need it installed.
  const { startSimulator } = await import('@koppel/exact-sim');
  // The simulator keeps its world (apps, tokens, changes, clock) beside the hub's data, so the
  // connections the hub shows stay authorized across restarts.
  const simState =
    config.dataDir === IN_MEMORY_DATA_DIR ? undefined : join(config.dataDir, 'exact-sim-state.json');
  const sim = await startSimulator({
    port: simPort,
    host: config.host,
    defaultApp: { name: DEMO_APP_TITLE, redirectUri: exactRedirectUri(PublicUrl.fromConfig(config).value) },
    ...(simState === undefined ? {} : { stateFile: simState }),
  });
  const features = [
    ...STANDARD_FEATURES,
    {
      name: 'demo',
      rootRoutes: (s: AppServices) => [
        demoAppsPlugin(s.connectionsDeps, sim, async () => {
          await ensureDemoFlows(s.flows.service, s.connectionsDeps);
        }),
      ],
    },
  ];
  // The simulator is the one custom Exact host the demo's apps may use.
  const demoConfig = { ...config, exactBaseUrls: [...config.exactBaseUrls, resolveBaseUrl(sim.url)] };
  const services = await buildAppServices(demoConfig, { features });
  const hub = await serveHttp(services);
  let stopping = false;
  const stop = () => {
    if (stopping) return;
    stopping = true;
    Promise.allSettled([hub.close(), sim.close()]).then(() => process.exit(0));
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);

  await hub.startWorker();
  await hub.listen();
  await ensureDemoApps(services.connectionsDeps, sim);
  await ensureDemoFlows(services.flows.service, services.connectionsDeps);
  const hubUrl = services.platform.publicUrl.value;
  const user = sim.defaults.user;
  // After a restart on the same data the hub has users: sign-up is closed, so say "sign in".
  const firstStep =
    (await services.repositories.users.count()) > 0
      ? `Open ${hubUrl} in a browser and sign in with your account.`
      : `Open ${hubUrl} in a browser and create the first account: it owns the hub and gets a
     workspace that already holds the app "${DEMO_APP_TITLE}" and the
     connection "Sandbox connection".`;
  process.stdout.write(`
Koppel is running in demo mode: the hub on the embedded database (${hub.database.location})
and an Exact Online simulator with a ready demo app.

  Hub             ${hubUrl}   (API reference: ${hubUrl}/api/openapi.json)
  exact-sim       ${sim.url}   (divisions ${sim.defaults.divisions.join(', ')})
  App Center      ${sim.url}/appcenter   (register more Exact apps on the simulator)
  Exact login     ${user.username} / ${user.password}   (on exact-sim's consent screen)

Next steps
  1. ${firstStep}
  2. Open the connection, press Authorize and sign in on exact-sim's consent screen with the
     Exact login above; tick the divisions and allow.
  3. Link divisions and press Test connection.
  4. The connection already has the flow "Replicate to database" (into this hub's own
     database, every 15 minutes): press Run now, watch the run's row counts, and see the
     tables on the Data page. README.md "Try it" does the same with curl.

Stop with Ctrl+C. Data stays in ${config.dataDir}${simState === undefined ? '; exact-sim starts fresh each time, so authorize again after a restart' : `, exact-sim's in ${simState}, so connections stay authorized across restarts`}.
`);
}

main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof ConfigError ? error.message : ((error as Error).stack ?? String(error))}\n`,
  );
  process.exit(1);
});
