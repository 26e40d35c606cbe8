import {
  type ExactClient,
  ExactWebhookError,
  isWebhookValidationRequest,
  verifyWebhook,
} from '@koppel/exact';
import type { Logger } from 'pino';
import type { ConnectionsRepository } from '../connections/connections-repository.ts';
import type { ExactAccess } from '../connections/exact-access.ts';
import { HubError } from '../errors/hub-error.ts';
import type { PublicUrl } from '../platform/public-url.ts';
import type { FlowRow, FlowRunRow, FlowsRepository } from './flows-repository.ts';
import { streamKey } from './flows-service.ts';
import { packageById } from './package-registry.ts';

/** Where Exact posts a flow's notifications. */
export const WEBHOOK_PATH_PREFIX = '/webhooks/exact/flows';

/** The Exact webhook topic of one of the flow's entities, when Exact has one (facts §6.2). */
function topicOf(flow: FlowRow, entity: string): string | undefined {
  return packageById(flow.packageId)?.entities.find((candidate) => candidate.name === entity)?.webhookTopic;
}

/** The flow's entities a notification's topic concerns. */
function entitiesOfTopic(flow: FlowRow, topic: string): string[] {
  return flow.entities.filter((entity) => topicOf(flow, entity) === topic);
}

export type WebhookReceipt =
  | { kind: 'validation' }
  | { kind: 'queued'; runs: FlowRunRow[] }
  | { kind: 'ignored'; reason: string };

/**
 * Exact's webhooks for flows: subscriptions per division and topic while a flow is enabled
 * with webhooks on and the hub has a public URL (removed otherwise), and the receiver that
 * turns a verified notification into a debounced incremental run of the streams it names.
 */
export class FlowWebhooks {
  readonly #flows: FlowsRepository;
  readonly #connections: ConnectionsRepository;
  readonly #exact: ExactAccess;
  readonly #publicUrl: PublicUrl;
  readonly #logger: Logger;
  readonly #requestRun: (flow: FlowRow, only: string[]) => Promise<FlowRunRow>;

  constructor(deps: {
    flows: FlowsRepository;
    connections: ConnectionsRepository;
    exact: ExactAccess;
    publicUrl: PublicUrl;
    logger: Logger;
    requestRun: (flow: FlowRow, only: string[]) => Promise<FlowRunRow>;
  }) {
    this.#flows = deps.flows;
    this.#connections = deps.connections;
    this.#exact = deps.exact;
    this.#publicUrl = deps.publicUrl;
    this.#logger = deps.logger;
    this.#requestRun = deps.requestRun;
  }

  callbackUrl(flowId: string): string {
    return `${this.#publicUrl.value}${WEBHOOK_PATH_PREFIX}/${flowId}`;
  }

  /** Whether the flow should be subscribed: enabled, webhooks on, and a configured public URL. */
  wanted(flow: FlowRow): boolean {
    const settings = flow.settings as { webhooks?: unknown };
    return flow.enabled && settings.webhooks !== false && this.#publicUrl.configured;
  }

  /**
   * Makes Exact's subscriptions match the flow: subscribes each (division, topic) it needs and
   * removes those it no longer needs (all of them for a disabled or deleted flow).
   */
  async sync(
    flow: FlowRow,
    options: { deleted?: boolean } = {},
  ): Promise<{ subscribed: number; removed: number }> {
    const wanted = !options.deleted && this.wanted(flow);
    const callback = this.callbackUrl(flow.id);
    const linked = (await this.#connections.listDivisions(flow.connectionId))
      .filter((division) => division.linked)
      .map((division) => division.code);
    const divisions =
      flow.divisions === null ? linked : flow.divisions.filter((code) => linked.includes(code));
    const topics = new Set(
      flow.entities.map((entity) => topicOf(flow, entity)).filter((topic) => topic !== undefined),
    );
    let client: ExactClient;
    try {
      ({ client } = await this.#exact.connectionClient(flow.connectionId));
    } catch (error) {
      // Not authorized (yet, or any more): the schedule's tick syncs again once it is.
      if (error instanceof HubError && error.code === 'connection_unavailable')
        return { subscribed: 0, removed: 0 };
      throw error;
    }
    let subscribed = 0;
    let removed = 0;
    for (const division of wanted ? divisions : [...new Set([...linked, ...(flow.divisions ?? [])])]) {
      const exact = client.division(division);
      for (const topic of topics) {
        if (wanted) {
          await exact.subscribe(topic, callback);
          subscribed++;
        } else {
          removed += await exact.unsubscribe(topic, callback);
        }
        for (const entity of entitiesOfTopic(flow, topic)) {
          if (!options.deleted) {
            await this.#flows.saveStream(flow.id, division, entity, { webhookTopic: wanted ? topic : null });
          }
        }
      }
    }
    this.#logger.info({ flowId: flow.id, subscribed, removed }, 'flow webhook subscriptions synced');
    return { subscribed, removed };
  }

  /**
   * A POST from Exact to a flow's callback: the empty validation POST is answered at once;
   * a notification must carry a valid HashCode under the app's webhook secret (facts §6.3).
   */
  async receive(flowId: string, body: Buffer): Promise<WebhookReceipt> {
    if (isWebhookValidationRequest(body)) return { kind: 'validation' };
    const flow = await this.#flows.findById(flowId);
    if (!flow) throw new HubError('flow_not_found', 'No flow with this id.');
    const connection = await this.#connections.findById(flow.connectionId);
    const app = connection ? await this.#exact.apps.findById(connection.appId) : undefined;
    const secret = app ? this.#exact.apps.secretsOf(app).webhookSecret : null;
    if (!secret) throw new HubError('webhook_secret_missing');
    let notification: ReturnType<typeof verifyWebhook>;
    try {
      notification = verifyWebhook(body, secret);
    } catch (error) {
      if (error instanceof ExactWebhookError) throw new HubError(error.code);
      throw error;
    }
    if (!flow.enabled) return { kind: 'ignored', reason: 'the flow is disabled' };
    const only = entitiesOfTopic(flow, notification.topic).map((entity) =>
      streamKey(notification.division, entity),
    );
    if (only.length === 0) return { kind: 'ignored', reason: `the flow does not move ${notification.topic}` };
    const runs: FlowRunRow[] = [];
    for (const stream of only) runs.push(await this.#requestRun(flow, [stream]));
    return { kind: 'queued', runs };
  }
}
