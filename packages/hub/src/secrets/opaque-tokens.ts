import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

/**
 * Random bearer strings (session ids, API tokens, invitation and OAuth state tokens). Only the
 * SHA-256 digest is stored: the values carry 256 bits of entropy, so a slow hash adds nothing.
 */
export function newOpaqueToken(prefix: string): { token: string; hash: string } {
  const token = `${prefix}${randomBytes(32).toString('base64url')}`;
  return { token, hash: hashOpaqueToken(token) };
}

export function hashOpaqueToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

/**
 * The CSRF token for a session: derived from the session secret, so it needs no storage, is
 * unguessable without the HttpOnly cookie, and changes with every login.
 */
export function csrfTokenFor(sessionToken: string): string {
  return createHmac('sha256', sessionToken).update('koppel-csrf').digest('base64url');
}

export function safeEqual(a: string, b: string): boolean {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length === right.length && timingSafeEqual(left, right);
}

export const TOKEN_PREFIX = {
  session: 'kps_',
  apiToken: 'kpt_',
  invitation: 'kpi_',
  oauthState: 'kpo_',
} as const;
