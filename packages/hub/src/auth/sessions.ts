import type { FastifyReply, FastifyRequest } from 'fastify';
import { CSRF_COOKIE, SESSION_COOKIE } from '../api/access.ts';
import type { HubContext } from '../hub-context.ts';
import type { SessionState } from '../storage/schema.ts';
import { csrfTokenFor, newOpaqueToken, TOKEN_PREFIX } from './opaque-tokens.ts';

/** A login waiting for its TOTP code lasts this long. */
export const PENDING_TOTP_TTL_MS = 5 * 60 * 1000;

/**
 * Creates a session and sets its cookies: the HttpOnly session cookie and a readable CSRF
 * cookie for the web UI to echo in the X-Koppel-CSRF header. Returns the CSRF token.
 */
export async function startSession(
  ctx: HubContext,
  request: FastifyRequest,
  reply: FastifyReply,
  userId: string,
  state: SessionState,
): Promise<{ csrfToken: string }> {
  const { token, hash } = newOpaqueToken(TOKEN_PREFIX.session);
  const ttlMs = state === 'active' ? ctx.config.sessionTtlHours * 3600 * 1000 : PENDING_TOTP_TTL_MS;
  const expiresAt = new Date(ctx.clock.now().getTime() + ttlMs);
  await ctx.repos.sessions.create({
    tokenHash: hash,
    userId,
    state,
    expiresAt,
    ip: request.ip,
    userAgent: request.headers['user-agent'],
  });
  const csrfToken = csrfTokenFor(token);
  const secure = ctx.config.publicUrl.startsWith('https://');
  const common = { path: '/', sameSite: 'lax' as const, secure, expires: expiresAt };
  reply.setCookie(SESSION_COOKIE, token, { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, csrfToken, { ...common, httpOnly: false });
  return { csrfToken };
}

export function clearSessionCookies(ctx: HubContext, reply: FastifyReply): void {
  const secure = ctx.config.publicUrl.startsWith('https://');
  reply.clearCookie(SESSION_COOKIE, { path: '/', sameSite: 'lax', secure, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, { path: '/', sameSite: 'lax', secure });
}
