import type { FastifyPluginAsync } from 'fastify';
import type { HubContext } from '../hub-context.ts';

/**
 * One Fastify plugin per concern under src/api/. Each receives the hub context and declares
 * `config.access` and zod `schema` on every route, e.g.
 *
 *   const connectionRoutes: RoutePlugin = async (app, { ctx }) => {
 *     const r = app.withTypeProvider<ZodTypeProvider>();
 *     r.get('/workspaces/:workspaceId/connections', {
 *       config: { access: access.role('viewer') },
 *       schema: { tags: ['connections'], params: WorkspaceParams, response: { 200: ConnectionList } },
 *     }, async (request) => { ... membershipOf(request).workspaceId ... });
 *   };
 *
 * and is added to the list in server.ts (or passed as `routes` to createHub).
 */
export type RoutePlugin = FastifyPluginAsync<{ ctx: HubContext }>;
