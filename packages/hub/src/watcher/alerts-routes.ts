import { z } from 'zod';
import { access, membershipOf } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import {
  Email,
  EmptyReply,
  iso,
  Timestamp,
  WorkspaceParams,
  type ZodTypeProvider,
} from '../http/zod-schemas.ts';
import { ALERT_CHANNEL_KINDS } from '../storage/schema.ts';
import type { AlertChannelRow, AlertIncidentRow } from './alerts-repository.ts';
import type { AlertsService } from './alerts-service.ts';

const ChannelView = z.object({
  id: z.uuid(),
  kind: z.enum(ALERT_CHANNEL_KINDS),
  target: z.string().meta({ description: 'E-mail addresses (comma-separated) or the webhook URL' }),
  createdAt: Timestamp,
});
const channelView = (row: AlertChannelRow): z.input<typeof ChannelView> => ({
  id: row.id,
  kind: row.kind,
  target: row.target,
  createdAt: iso(row.createdAt),
});
const IncidentView = z.object({
  id: z.uuid(),
  rule: z.string(),
  subject: z.string(),
  message: z.string(),
  openedAt: Timestamp,
  recoveredAt: Timestamp.nullable(),
});
const incidentView = (row: AlertIncidentRow): z.input<typeof IncidentView> => ({
  id: row.id,
  rule: row.rule,
  subject: row.subject,
  message: row.message,
  openedAt: iso(row.openedAt),
  recoveredAt: iso(row.recoveredAt),
});
const CreateChannelBody = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('email'),
    target: z
      .string()
      .max(2000)
      .refine((value) => value.split(',').every((address) => Email.safeParse(address.trim()).success), {
        message: 'comma-separated e-mail addresses',
      }),
  }),
  z.object({ kind: z.literal('webhook'), target: z.url({ protocol: /^https?$/ }).max(2000) }),
]);
const ChannelParams = WorkspaceParams.extend({ channelId: z.uuid() });

/** Alert channels (e-mail, signed webhook), the incident history and "Send test e-mail". */
export function alertsRoutes(alerts: AlertsService): RoutePlugin {
  return async (app) => {
    const r = app.withTypeProvider<ZodTypeProvider>();
    const schema = { tags: ['alerts'], params: WorkspaceParams };

    r.get(
      '/workspaces/:workspaceId/alert-channels',
      {
        config: { access: access.role('viewer') },
        schema: { ...schema, summary: 'Where alerts go', response: { 200: z.array(ChannelView) } },
      },
      async (request) => (await alerts.channels(membershipOf(request).workspaceId)).map(channelView),
    );

    r.post(
      '/workspaces/:workspaceId/alert-channels',
      {
        config: { access: access.role('admin') },
        schema: {
          ...schema,
          summary: 'Adds an e-mail or webhook channel; a webhook channel answers its signing secret, once',
          body: CreateChannelBody,
          response: { 201: ChannelView.extend({ secret: z.string().nullable() }) },
        },
      },
      async (request, reply) => {
        const { channel, secret } = await alerts.addChannel(membershipOf(request).workspaceId, request.body);
        return reply.code(201).send({ ...channelView(channel), secret });
      },
    );

    r.delete(
      '/workspaces/:workspaceId/alert-channels/:channelId',
      {
        config: { access: access.role('admin') },
        schema: { tags: ['alerts'], params: ChannelParams, response: { 204: EmptyReply } },
      },
      async (request, reply) => {
        await alerts.deleteChannel(membershipOf(request).workspaceId, request.params.channelId);
        return reply.code(204).send(null);
      },
    );

    r.post(
      '/workspaces/:workspaceId/alert-channels/test-email',
      {
        config: { access: access.role('admin') },
        schema: {
          ...schema,
          summary: 'Send test e-mail: proves the SMTP settings',
          body: z.object({ to: Email }),
          response: { 204: EmptyReply },
        },
      },
      async (request, reply) => {
        await alerts.sendTestEmail(membershipOf(request).workspaceId, request.body.to);
        return reply.code(204).send(null);
      },
    );

    r.get(
      '/workspaces/:workspaceId/alerts',
      {
        config: { access: access.role('viewer') },
        schema: {
          ...schema,
          summary: 'Alert incidents, newest first (open ones have no recoveredAt)',
          querystring: z.object({ limit: z.coerce.number().int().min(1).max(500).default(100) }),
          response: { 200: z.array(IncidentView) },
        },
      },
      async (request) =>
        (await alerts.incidents(membershipOf(request).workspaceId, request.query.limit)).map(incidentView),
    );
  };
}
