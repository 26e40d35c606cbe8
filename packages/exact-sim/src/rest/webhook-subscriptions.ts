import { webhookTopics } from '../catalogue/webhook-topics.ts';
import type { ApiCaller, Clock, WebhookSubscriptionView } from '../contract.ts';
import { tableSalt } from '../data/generation-context.ts';
import { rowGuid } from '../data/random.ts';
import type { Row } from '../data/table.ts';
import { ApiError } from '../odata/api-error.ts';
import { toWallClock } from '../odata/dutch-time.ts';

interface Subscription extends WebhookSubscriptionView {
  created: number;
  creator: string;
  creatorFullName: string;
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

function invalid(message: string): ApiError {
  return new ApiError(500, 'validation', message);
}

/** `webhooks/WebhookSubscriptions`: per division, each app seeing only its own. */
export class WebhookSubscriptions {
  private readonly seed: number;
  private readonly clock: Clock;
  private readonly validate: (url: string) => Promise<void>;
  private readonly byDivision = new Map<number, Map<string, Subscription>>();
  private sequence = 0;

  constructor(seed: number, clock: Clock, validate: (url: string) => Promise<void>) {
    this.seed = seed;
    this.clock = clock;
    this.validate = validate;
  }

  private division(code: number): Map<string, Subscription> {
    let map = this.byDivision.get(code);
    if (!map) {
      map = new Map();
      this.byDivision.set(code, map);
    }
    return map;
  }

  list(division: number): WebhookSubscriptionView[] {
    return [...this.division(division).values()].map(({ id, division: d, clientId, topic, callbackUrl }) => ({
      id,
      division: d,
      clientId,
      topic,
      callbackUrl,
    }));
  }

  /** API rows of the subscriptions `clientId` made in `division`. */
  rowsFor(division: number, clientId: string): Row[] {
    return [...this.division(division).values()]
      .filter((s) => s.clientId === clientId)
      .map((s) => this.toRow(s));
  }

  private toRow(s: Subscription): Row {
    return {
      ID: s.id,
      CallbackURL: s.callbackUrl,
      ClientID: s.clientId,
      Created: s.created,
      Creator: s.creator,
      CreatorFullName: s.creatorFullName,
      Description: null,
      Division: s.division,
      Topic: s.topic,
    };
  }

  /** Validates, lets the control plane probe the callback, then stores the subscription. */
  async create(division: number, caller: ApiCaller, body: Row): Promise<Row> {
    const callbackUrl = body.CallbackURL;
    const topic = body.Topic;
    if (typeof callbackUrl !== 'string' || callbackUrl.trim() === '') throw invalid('Mandatory: CallbackURL');
    if (typeof topic !== 'string' || topic.trim() === '') throw invalid('Mandatory: Topic');
    const knownTopic = webhookTopics.find((t) => t.toLowerCase() === topic.trim().toLowerCase());
    if (!knownTopic)
      throw invalid(`Invalid value: Topic '${topic}'. Known topics: ${webhookTopics.join(', ')}.`);
    let url: URL;
    try {
      url = new URL(callbackUrl);
    } catch {
      throw invalid(`Invalid value: CallbackURL '${callbackUrl}' is not an absolute URL.`);
    }
    const loopbackHttp = url.protocol === 'http:' && LOOPBACK.has(url.hostname);
    if (url.protocol !== 'https:' && !loopbackHttp) {
      throw invalid(
        `Invalid value: CallbackURL must use https (plain http only for 127.0.0.1, localhost or [::1]).`,
      );
    }
    const subscriptions = this.division(division);
    for (const existing of subscriptions.values()) {
      if (
        existing.clientId === caller.clientId &&
        existing.topic === knownTopic &&
        existing.callbackUrl === callbackUrl
      ) {
        throw invalid(`A subscription for topic '${knownTopic}' with this CallbackURL already exists.`);
      }
    }
    try {
      await this.validate(callbackUrl);
    } catch (error) {
      throw new ApiError(500, 'callback_rejected', (error as Error).message);
    }
    const subscription: Subscription = {
      id: rowGuid(this.seed, division, tableSalt.Subscription, this.sequence++),
      division,
      clientId: caller.clientId,
      topic: knownTopic,
      callbackUrl,
      created: toWallClock(this.clock.now()),
      creator: caller.userId,
      creatorFullName: caller.fullName,
    };
    subscriptions.set(subscription.id, subscription);
    return this.toRow(subscription);
  }

  delete(division: number, clientId: string, id: string): void {
    const subscriptions = this.division(division);
    const existing = subscriptions.get(id);
    if (!existing || existing.clientId !== clientId) {
      throw new ApiError(
        404,
        'not_found',
        `Resource not found for the segment 'WebhookSubscriptions(${id})'.`,
      );
    }
    subscriptions.delete(id);
  }

  clear(): void {
    this.byDivision.clear();
    this.sequence = 0;
  }

  exportState(): { sequence: number; subscriptions: Subscription[] } {
    const subscriptions: Subscription[] = [];
    for (const map of this.byDivision.values()) subscriptions.push(...map.values());
    return { sequence: this.sequence, subscriptions };
  }

  importState(state: unknown): void {
    const saved = state as { sequence?: unknown; subscriptions?: unknown } | null;
    if (typeof saved?.sequence !== 'number' || !Array.isArray(saved.subscriptions)) {
      throw new TypeError('webhook subscriptions: expected {sequence, subscriptions[]}');
    }
    this.clear();
    this.sequence = saved.sequence;
    for (const subscription of saved.subscriptions as Subscription[]) {
      this.division(subscription.division).set(subscription.id, subscription);
    }
  }
}
