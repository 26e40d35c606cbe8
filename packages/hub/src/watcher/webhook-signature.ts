import { createHmac, timingSafeEqual } from 'node:crypto';

/** Headers of a signed webhook from the hub (docs/monitoring.md shows how to verify them). */
export const SIGNATURE_HEADER = 'x-koppel-signature';
export const TIMESTAMP_HEADER = 'x-koppel-timestamp';

/**
 * `v1=` + hex HMAC-SHA256 under the channel's secret over `{timestamp}.{body}`: the timestamp
 * (Unix seconds) is signed with the body, so a receiver can refuse old replays.
 */
export function signWebhook(secret: string, timestamp: number, body: string): string {
  return `v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** True when `signature` is the hub's signature of `body` at `timestamp` under `secret`. */
export function verifyWebhook(secret: string, timestamp: number, body: string, signature: string): boolean {
  const expected = Buffer.from(signWebhook(secret, timestamp, body));
  const given = Buffer.from(signature);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
