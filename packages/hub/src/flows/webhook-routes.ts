import { z } from 'zod';
import { access } from '../http/access.ts';
import type { RoutePlugin } from '../http/route-plugin.ts';
import type { ZodTypeProvider } from '../http/zod-schemas.ts';
import { type FlowWebhooks, WEBHOOK_PATH_PREFIX } from './flow-webhooks.ts';

const Params = z.object({ flowId: z.uuid() });
const Receipt = z.object({
  received: z.enum(['validation', 'queued', 'ignored']),
  runIds: z.array(z.uuid()),
  reason: z.string().nullable(),
});

/**
 * Exact's callback for a flow's webhooks. Public (Exact cannot sign in): the empty
 * validation POST is answered 200, and a notification counts only with a valid HashCode.
 */
export function webhookRoutes(webhooks: FlowWebhooks): RoutePlugin {
  return async (app) => {
    // The HashCode covers the raw bytes of Content, so the body must reach the check unparsed.
    app.removeAllContentTypeParsers();
    app.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: 1024 * 1024 }, (_request, body, done) =>
      done(null, body),
    );
    const r = app.withTypeProvider<ZodTypeProvider>();
    r.post(
      `${WEBHOOK_PATH_PREFIX}/:flowId`,
      {
        config: { access: access.public },
        schema: {
          tags: ['flows'],
          summary: "Exact's webhook callback for a flow (verified by HashCode)",
          params: Params,
          response: { 200: Receipt },
        },
      },
      async (request) => {
        const body = Buffer.isBuffer(request.body) ? request.body : Buffer.alloc(0);
        const receipt = await webhooks.receive(request.params.flowId, body);
        return {
          received: receipt.kind,
          runIds: receipt.kind === 'queued' ? receipt.runs.map((run) => run.id) : [],
          reason: receipt.kind === 'ignored' ? receipt.reason : null,
        };
      },
    );
  };
}
