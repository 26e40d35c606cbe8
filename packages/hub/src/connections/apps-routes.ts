import { z } from 'zod';
import { access, membershipOf } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import { EmptyReply, WorkspaceParams, type ZodTypeProvider } from '../http/zod-schemas.ts';
import type { AppsService } from './apps-service.ts';
import { appGuard, guardedApp } from './connection-guards.ts';
import type { ConnectionsDeps } from './connections-deps.ts';
import { ExactAppView, exactAppView, RegionSchema } from './connections-views.ts';

const Secret = z.string().trim().min(1).max(1000);
const BaseUrl = z
  .url({ protocol: /^https?$/ })
  .max(500)
  .meta({ description: "An Exact-compatible host to use instead of the region's, e.g. exact-sim's URL" });

const CreateAppBody = z.object({
  title: z.string().trim().min(1).max(200),
  clientId: z.string().trim().min(1).max(200),
  clientSecret: Secret,
  webhookSecret: Secret.nullish(),
  region: RegionSchema.default('nl'),
  baseUrl: BaseUrl.nullish(),
});
const UpdateAppBody = z.object({
  title: z.string().trim().min(1).max(200).optional(),
  clientId: z.string().trim().min(1).max(200).optional(),
  clientSecret: Secret.optional().meta({ description: 'Send only to replace the stored secret' }),
  webhookSecret: Secret.nullable().optional().meta({ description: 'null removes it' }),
  region: RegionSchema.optional(),
  baseUrl: BaseUrl.nullable().optional().meta({ description: "null returns to the region's host" }),
});
const AppParams = z.object({ appId: z.uuid() });

/** Exact apps (OAuth clients): listed per workspace, addressed by id; admin+ writes, viewers read. */
export function appsRoutes(deps: ConnectionsDeps, apps: AppsService): RoutePlugin {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();

    r.get(
      '/workspaces/:workspaceId/apps',
      {
        config: { access: access.role('viewer') },
        schema: {
          tags: ['exact apps'],
          summary: "The workspace's Exact apps",
          params: WorkspaceParams,
          response: { 200: z.array(ExactAppView) },
        },
      },
      async (request) => {
        const rows = await apps.list(membershipOf(request).workspaceId);
        return rows.map((row) => exactAppView(row, apps.redirectUri));
      },
    );

    r.post(
      '/workspaces/:workspaceId/apps',
      {
        config: { access: access.role('admin') },
        schema: {
          tags: ['exact apps'],
          summary: "Register an Exact app (client ID and secret from Exact's App Center)",
          params: WorkspaceParams,
          body: CreateAppBody,
          response: { 201: ExactAppView },
        },
      },
      async (request, reply) => {
        const body = request.body;
        const row = await apps.create(membershipOf(request).workspaceId, {
          title: body.title,
          clientId: body.clientId,
          clientSecret: body.clientSecret,
          webhookSecret: body.webhookSecret ?? null,
          region: body.region,
          baseUrl: body.baseUrl ?? null,
        });
        return reply.code(201).send(exactAppView(row, apps.redirectUri));
      },
    );

    r.get(
      '/apps/:appId',
      {
        config: { access: access.user },
        preValidation: appGuard(deps, 'viewer'),
        schema: {
          tags: ['exact apps'],
          summary: 'One Exact app',
          params: AppParams,
          response: { 200: ExactAppView },
        },
      },
      async (request) => exactAppView(guardedApp(request), apps.redirectUri),
    );

    r.patch(
      '/apps/:appId',
      {
        config: { access: access.user },
        preValidation: appGuard(deps, 'admin'),
        schema: {
          tags: ['exact apps'],
          summary: 'Change an Exact app (secrets are replaced, never read back)',
          params: AppParams,
          body: UpdateAppBody,
          response: { 200: ExactAppView },
        },
      },
      async (request) => {
        return exactAppView(await apps.update(guardedApp(request), request.body), apps.redirectUri);
      },
    );

    r.delete(
      '/apps/:appId',
      {
        config: { access: access.user },
        preValidation: appGuard(deps, 'admin'),
        schema: {
          tags: ['exact apps'],
          summary: 'Delete an unused Exact app',
          params: AppParams,
          response: { 204: EmptyReply },
        },
      },
      async (request, reply) => {
        await apps.delete(guardedApp(request));
        return reply.code(204).send(null);
      },
    );
  };
}
