// Webhook traffic of the simulator: the empty validation POST made while a subscription
// is created, and signed notifications for every change event, retried with the
// configured delays (Exact's retry policy is UNCONFIRMED).

import type { WebhookSettings } from '../config.ts';
import type { ChangeEvent, Clock, WebhookSubscriptionView } from '../contract.ts';
import type { SimStats } from '../stats.ts';
import { postCallback } from './callback-post.ts';
import { signedNotification } from './signing.ts';

export class WebhookValidationError extends Error {
  readonly code = 'webhook_validation_failed';
  readonly callbackUrl: string;
  constructor(callbackUrl: string, message: string) {
    super(message);
    this.name = 'WebhookValidationError';
    this.callbackUrl = callbackUrl;
  }
}

export interface DeliveryRecord {
  subscriptionId: string;
  clientId: string;
  callbackUrl: string;
  topic: string;
  action: string;
  key: string;
  attempt: number;
  ok: boolean;
  /** HTTP status of the answer, or null when none came. */
  status: number | null;
  error?: string;
  /** Simulated time of the attempt. */
  at: number;
}

export interface DispatcherDeps {
  settings: WebhookSettings;
  clock: Clock;
  stats: SimStats;
  subscriptions: (division: number) => WebhookSubscriptionView[];
  webhookSecret: (clientId: string) => string | undefined;
}

const LOG_SIZE = 500;

export class WebhookDispatcher {
  readonly #deps: DispatcherDeps;
  readonly #timers = new Set<NodeJS.Timeout>();
  readonly #log: DeliveryRecord[] = [];
  #abort = new AbortController();
  #inFlight = 0;

  constructor(deps: DispatcherDeps) {
    this.#deps = deps;
  }

  /** Exact's registration handshake; throws WebhookValidationError with Exact's message when the callback does not answer 2xx. */
  async validate(callbackUrl: string): Promise<void> {
    if (!this.#deps.settings.validateCallbacks) return;
    const result = await postCallback(
      callbackUrl,
      '',
      this.#deps.settings.validationTimeoutMs,
      this.#abort.signal,
    );
    this.#deps.stats.webhookValidation(result.ok);
    if (result.ok) return;
    const detail =
      'status' in result
        ? `${result.status} ${result.statusText}`.trim()
        : '500 An error occurred while sending the request.';
    throw new WebhookValidationError(callbackUrl, `Invalid: Post to callback URL endpoint returns ${detail}`);
  }

  /** Queues a notification to every subscription of the event's division and topic. */
  notify(event: ChangeEvent): void {
    if (event.topic === null) return;
    for (const subscription of this.#deps.subscriptions(event.division)) {
      if (subscription.topic.toLowerCase() !== event.topic.toLowerCase()) continue;
      const secret = this.#deps.webhookSecret(subscription.clientId);
      if (secret === undefined) continue;
      const body = signedNotification(
        {
          Topic: event.topic,
          ClientId: subscription.clientId,
          Division: event.division,
          Action: event.action,
          Key: event.key,
          ExactOnlineEndpoint: event.endpoint,
          EventCreatedOn: new Date(event.at).toISOString(),
        },
        secret,
      );
      this.#schedule(subscription, event, body, 1, this.#deps.settings.deliveryDelayMs);
    }
  }

  /** Recent attempts, newest last. */
  log(): DeliveryRecord[] {
    return [...this.#log];
  }

  /** Notifications queued or on the wire. */
  get pending(): number {
    return this.#timers.size + this.#inFlight;
  }

  /** Drops queued retries and aborts requests on the wire. */
  stop(): void {
    for (const timer of this.#timers) clearTimeout(timer);
    this.#timers.clear();
    this.#abort.abort();
    this.#abort = new AbortController();
    this.#log.length = 0;
  }

  #schedule(
    subscription: WebhookSubscriptionView,
    event: ChangeEvent,
    body: string,
    attempt: number,
    delayMs: number,
  ): void {
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      void this.#attempt(subscription, event, body, attempt);
    }, delayMs);
    this.#timers.add(timer);
  }

  async #attempt(
    subscription: WebhookSubscriptionView,
    event: ChangeEvent,
    body: string,
    attempt: number,
  ): Promise<void> {
    const { settings, stats, clock } = this.#deps;
    const signal = this.#abort.signal;
    this.#inFlight += 1;
    const result = await postCallback(subscription.callbackUrl, body, settings.deliveryTimeoutMs, signal);
    this.#inFlight -= 1;
    if (signal.aborted) return;
    const retryDelay = settings.retryDelaysMs[attempt - 1];
    stats.webhookAttempt(subscription.clientId, result.ok, !result.ok && retryDelay === undefined);
    this.#log.push({
      subscriptionId: subscription.id,
      clientId: subscription.clientId,
      callbackUrl: subscription.callbackUrl,
      topic: subscription.topic,
      action: event.action,
      key: event.key,
      attempt,
      ok: result.ok,
      status: 'status' in result ? result.status : null,
      ...('error' in result ? { error: result.error } : {}),
      at: clock.now(),
    });
    if (this.#log.length > LOG_SIZE) this.#log.splice(0, this.#log.length - LOG_SIZE);
    if (!result.ok && retryDelay !== undefined)
      this.#schedule(subscription, event, body, attempt + 1, retryDelay);
  }
}
