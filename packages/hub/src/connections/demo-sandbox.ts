import type { RunningSimulator } from '@koppel/exact-sim';
import { and, eq } from 'drizzle-orm';
import type { RoutePlugin } from '../api/route-plugin.ts';
import type { HubContext } from '../hub-context.ts';
import { exactApps, workspaces } from '../storage/schema.ts';
import { exactAccess } from './exact-access.ts';

export const DEMO_APP_TITLE = 'Exact Online sandbox (exact-sim)';
export const DEMO_CONNECTION_NAME = 'Sandbox connection';

/**
 * Gives every workspace the simulator's default app and a connection on it, so a newcomer can
 * authorize right after signing up. Idempotent; follows the simulator to a new URL.
 * Returns how many workspaces got a new demo app.
 */
export async function ensureDemoApps(ctx: HubContext, sim: RunningSimulator): Promise<number> {
  const access = exactAccess(ctx);
  let added = 0;
  for (const workspace of await ctx.db.select({ id: workspaces.id }).from(workspaces)) {
    const [existing] = await ctx.db
      .select()
      .from(exactApps)
      .where(
        and(
          eq(exactApps.workspaceId, workspace.id),
          eq(exactApps.clientId, sim.defaults.app.clientId),
          eq(exactApps.title, DEMO_APP_TITLE),
        ),
      );
    if (existing) {
      if (existing.baseUrl !== sim.url) await access.apps.update(existing.id, { baseUrl: sim.url });
      continue;
    }
    const app = await access.apps.create(workspace.id, {
      title: DEMO_APP_TITLE,
      clientId: sim.defaults.app.clientId,
      clientSecret: sim.defaults.app.clientSecret,
      webhookSecret: sim.defaults.app.webhookSecret,
      region: 'nl',
      baseUrl: sim.url,
    });
    await access.connections.create({
      workspaceId: workspace.id,
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
export function demoAppsPlugin(sim: RunningSimulator): RoutePlugin {
  const plugin: RoutePlugin = async (app, { ctx }) => {
    app.addHook('onSend', async (request, reply, payload) => {
      if (
        request.method === 'POST' &&
        reply.statusCode === 201 &&
        CREATES_WORKSPACE.has(request.routeOptions.url ?? '')
      ) {
        await ensureDemoApps(ctx, sim);
      }
      return payload;
    });
  };
  Object.assign(plugin, { [Symbol.for('skip-override')]: true });
  return plugin;
}
