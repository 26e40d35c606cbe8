import { randomUUID } from 'node:crypto';
import type { DeliveryAnswer } from './feed-outbox.ts';
import { SIGNATURE_HEADER, signatureHeader } from './feed-signature.ts';

/** Characters of the receiver's reply kept per batch: enough to read an error, never a dump. */
const EXCERPT_CHARS = 500;

export interface FeedEndpoint {
  url: string;
  secret: string;
  timeoutMs: number;
  fetch?: typeof fetch;
  now?: () => number;
}

/**
 * POSTs one batch of events (`{"batchId","events":[…]}`), signed over a fresh timestamp and
 * the exact body bytes, and reports what the receiver answered; never throws for the
 * receiver's failures (they are answers to record), only when `signal` aborts.
 */
export async function postBatch(
  endpoint: FeedEndpoint,
  events: readonly string[],
  signal?: AbortSignal,
): Promise<DeliveryAnswer> {
  const now = endpoint.now ?? Date.now;
  const batchId = randomUUID();
  const body = `{"batchId":"${batchId}","events":[${events.join(',')}]}`;
  const attemptedAt = new Date(now());
  const timestamp = Math.floor(attemptedAt.getTime() / 1000);
  const timeout = AbortSignal.timeout(endpoint.timeoutMs);
  try {
    const response = await (endpoint.fetch ?? fetch)(endpoint.url, {
      method: 'POST',
      body,
      headers: {
        'content-type': 'application/json',
        'user-agent': 'Koppel-ChangeFeed/1',
        [SIGNATURE_HEADER]: signatureHeader(endpoint.secret, timestamp, body),
        'koppel-batch-id': batchId,
      },
      signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      redirect: 'manual',
    });
    const text = await response.text().catch(() => '');
    return {
      batchId,
      status: response.status,
      bodyExcerpt: text.slice(0, EXCERPT_CHARS),
      error: null,
      durationMs: now() - attemptedAt.getTime(),
      attemptedAt,
    };
  } catch (error) {
    signal?.throwIfAborted();
    const cause = (error as { cause?: { code?: string } }).cause?.code;
    const message = timeout.aborted
      ? `No answer within ${endpoint.timeoutMs} ms`
      : `${error instanceof Error ? error.message : String(error)}${cause ? ` (${cause})` : ''}`;
    return {
      batchId,
      status: null,
      bodyExcerpt: null,
      error: message,
      durationMs: now() - attemptedAt.getTime(),
      attemptedAt,
    };
  }
}
