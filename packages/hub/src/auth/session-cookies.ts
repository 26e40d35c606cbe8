import type { FastifyReply } from 'fastify';
import { CSRF_COOKIE, SESSION_COOKIE } from '../http/access.ts';
import type { PublicUrl } from '../platform/public-url.ts';
import type { NewSession } from './auth-service.ts';

/**
 * Sets the HttpOnly session cookie and a readable CSRF cookie for the web UI to echo in the
 * X-Koppel-CSRF header. Cookies are `Secure` when the hub is served over https.
 */
export function setSessionCookies(reply: FastifyReply, publicUrl: PublicUrl, session: NewSession): void {
  const common = {
    path: '/',
    sameSite: 'lax' as const,
    secure: isHttps(publicUrl),
    expires: session.expiresAt,
  };
  reply.setCookie(SESSION_COOKIE, session.token, { ...common, httpOnly: true });
  reply.setCookie(CSRF_COOKIE, session.csrfToken, { ...common, httpOnly: false });
}

export function clearSessionCookies(reply: FastifyReply, publicUrl: PublicUrl): void {
  const secure = isHttps(publicUrl);
  reply.clearCookie(SESSION_COOKIE, { path: '/', sameSite: 'lax', secure, httpOnly: true });
  reply.clearCookie(CSRF_COOKIE, { path: '/', sameSite: 'lax', secure });
}

const isHttps = (publicUrl: PublicUrl) => publicUrl.value.startsWith('https://');
