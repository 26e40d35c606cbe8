import type { FastifyPluginAsync } from 'fastify';

/**
 * A feature's routes: a Fastify plugin made by a factory that receives the feature's services,
 * e.g. `workspacesRoutes(workspaces: WorkspacesService): RoutePlugin`. Every route declares
 * `config.access` and zod `schema`s:
 *
 *   r.get('/workspaces/:workspaceId/things', {
 *     config: { access: access.role('viewer') },
 *     schema: { tags: ['things'], params: WorkspaceParams, response: { 200: ThingList } },
 *   }, async (request) => things.list(membershipOf(request).workspaceId));
 *
 * The feature's entry in app/features.ts says whether it goes under /api/v1 or at the root.
 */
export type RoutePlugin = FastifyPluginAsync;
