import { createHmac, timingSafeEqual } from 'node:crypto';
import { ExactWebhookError } from '../errors.ts';

/** What Exact says changed; the notification holds no entity data (GET `endpoint` for it). */
export interface WebhookNotification {
  topic: string;
  clientId: string;
  division: number;
  action: 'Create' | 'Update' | 'Delete' | string;
  /** Key (GUID) of the changed record. */
  key: string;
  /** Absolute URL of the record. */
  endpoint: string;
  eventCreatedOn: string | null;
  /** The `Content` object exactly as parsed. */
  content: Record<string, unknown>;
}

const PREFIX = Buffer.from('{"Content":');
const SEPARATOR = Buffer.from(',"HashCode":"');
const SUFFIX = Buffer.from('"}');
const HASH = /^[0-9A-F]{64}$/;

/**
 * The raw bytes of `Content` and the sent `HashCode`, cut from the body the way Exact
 * builds it: `{"Content":<content>,"HashCode":"<hash>"}` (facts §6.3).
 */
function split(body: Buffer): { content: Buffer; hash: string } {
  const at = body.lastIndexOf(SEPARATOR);
  if (
    at < 0 ||
    !body.subarray(0, PREFIX.length).equals(PREFIX) ||
    !body.subarray(body.length - SUFFIX.length).equals(SUFFIX)
  ) {
    throw new ExactWebhookError(
      'webhook_payload_invalid',
      'Webhook body is not {"Content":…,"HashCode":"…"}; pass the raw request body, not re-serialized JSON',
      { length: body.length },
    );
  }
  return {
    content: body.subarray(PREFIX.length, at),
    hash: body.subarray(at + SEPARATOR.length, body.length - SUFFIX.length).toString('latin1'),
  };
}

/** Upper-case hex HMAC-SHA256 of `content` under the app's webhook secret, as Exact computes it. */
export function webhookHashCode(content: Buffer | string, secret: string): string {
  return createHmac('sha256', secret).update(content).digest('hex').toUpperCase();
}

/** Exact's registration handshake: an empty POST that must be answered 2xx. */
export function isWebhookValidationRequest(body: Buffer | string): boolean {
  return body.length === 0;
}

/**
 * Checks a notification's `HashCode` (constant-time) and returns the parsed content.
 * `body` must be the raw bytes as received. Throws `ExactWebhookError` when not authentic.
 */
export function verifyWebhook(body: Buffer | string, secret: string): WebhookNotification {
  if (!secret) throw new ExactWebhookError('webhook_signature_invalid', 'No webhook secret configured');
  const bytes = typeof body === 'string' ? Buffer.from(body, 'utf8') : body;
  const { content, hash } = split(bytes);
  const expected = Buffer.from(webhookHashCode(content, secret), 'latin1');
  const given = Buffer.from(hash, 'latin1');
  if (!HASH.test(hash) || given.length !== expected.length || !timingSafeEqual(given, expected)) {
    throw new ExactWebhookError(
      'webhook_signature_invalid',
      'Webhook HashCode does not match the content; wrong webhook secret or a forged request',
    );
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(content.toString('utf8'));
  } catch {
    throw new ExactWebhookError('webhook_payload_invalid', 'Webhook Content is not JSON');
  }
  if (typeof parsed !== 'object' || parsed === null) {
    throw new ExactWebhookError('webhook_payload_invalid', 'Webhook Content is not an object');
  }
  const c = parsed as Record<string, unknown>;
  const text = (name: string) => (typeof c[name] === 'string' ? (c[name] as string) : '');
  return {
    topic: text('Topic'),
    clientId: text('ClientId'),
    division: Number(c.Division),
    action: text('Action'),
    key: text('Key'),
    endpoint: text('ExactOnlineEndpoint'),
    eventCreatedOn: typeof c.EventCreatedOn === 'string' ? c.EventCreatedOn : null,
    content: c,
  };
}
