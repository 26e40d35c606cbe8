import type { RoutePlugin } from '../http/route-plugin.ts';
import type { ConnectionsDeps } from './connections-deps.ts';

/** What the demo needs to know about the running simulator (`@koppel/exact-sim`'s RunningSimulator). */
export interface DemoSimulator {
  url: string;
  defaults: { app: { clientId: string; clientSecret: string; webhookSecret: string } };
}

export const DEMO_APP_TITLE = 'Exact Online sandbox (exact-sim)';
export const DEMO_CONNECTION_NAME = 'Sandbox connection';

/**
 * Gives every workspace the simulator's default app and a connection on it, so a newcomer can
 * authorize right after signing up. Idempotent; follows the simulator to a new URL.
 * Returns how many workspaces got a new demo app.
 */
export async function ensureDemoApps(deps: ConnectionsDeps, sim: DemoSimulator): Promise<number> {
  const access = deps.exact;
  let added = 0;
  for (const workspaceId of await deps.workspaces.listIds()) {
    const existing = await access.apps.findByClientAndTitle(
      workspaceId,
      sim.defaults.app.clientId,
      DEMO_APP_TITLE,
    );
    if (existing) {
      if (existing.baseUrl !== sim.url) await access.apps.update(existing.id, { baseUrl: sim.url });
      continue;
    }
    const app = await access.apps.create(workspaceId, {
      title: DEMO_APP_TITLE,
      clientId: sim.defaults.app.clientId,
      clientSecret: sim.defaults.app.clientSecret,
      webhookSecret: sim.defaults.app.webhookSecret,
      region: 'nl',
      baseUrl: sim.url,
    });
    await access.connections.create({
      workspaceId: workspaceId,
      appId: app.id,
      name: DEMO_CONNECTION_NAME,
      active: true,
    });
    added++;
  }
  return added;
}

/** Routes after which a new workspace may exist. */
const CREATES_WORKSPACE = new Set(['/api/v1/auth/signup', '/api/v1/workspaces']);

/**
 * Demo mode only: after a sign-up or a new workspace, and before the response leaves, adds the
 * demo app, so the very next request already sees it. Hooks apply hub-wide (skip-override).
 */
export function demoAppsPlugin(
  deps: ConnectionsDeps,
  sim: DemoSimulator,
  /** Runs after the demo apps are in place (the demo adds its flows there). */
  afterEnsure: () => Promise<void> = async () => {},
): RoutePlugin {
  const plugin: RoutePlugin = async (app) => {
    app.addHook('onSend', async (request, reply, payload) => {
      if (
        request.method === 'POST' &&
        reply.statusCode === 201 &&
        CREATES_WORKSPACE.has(request.routeOptions.url ?? '')
      ) {
        await ensureDemoApps(deps, sim);
        await afterEnsure();
      }
      return payload;
    });
  };
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}
