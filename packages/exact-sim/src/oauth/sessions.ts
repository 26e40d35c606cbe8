// Login sessions of the authorize pages: a signed-in browser skips the login page on its
// next authorize (unless force_login=1). Each session carries a form token that the
// consent form must echo, so a consent cannot be posted from another page.
import { randomBytes } from 'node:crypto';

export const SESSION_COOKIE = 'ExactSimSession';

export interface LoginSession {
  id: string;
  userId: string;
  formToken: string;
  expiresAt: number;
}

export class SessionStore {
  readonly #sessions = new Map<string, LoginSession>();
  readonly #lifetimeMs: number;

  constructor(lifetimeMs: number) {
    this.#lifetimeMs = lifetimeMs;
  }

  open(userId: string, now: number): LoginSession {
    const session: LoginSession = {
      id: randomBytes(24).toString('hex'),
      userId,
      formToken: randomBytes(16).toString('hex'),
      expiresAt: now + this.#lifetimeMs,
    };
    this.#sessions.set(session.id, session);
    return session;
  }

  find(id: string | undefined, now: number): LoginSession | undefined {
    if (id === undefined) return undefined;
    const session = this.#sessions.get(id);
    if (!session) return undefined;
    if (now >= session.expiresAt) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  cookie(session: LoginSession): string {
    // Path=/: one login serves both the authorize pages and the App Center, as on Exact.
    return `${SESSION_COOKIE}=${session.id}; Path=/; HttpOnly; SameSite=Lax`;
  }

  /** Ends a session (log out). */
  close(id: string | undefined): void {
    if (id !== undefined) this.#sessions.delete(id);
  }

  /** A cookie that makes the browser forget the session. */
  clearingCookie(): string {
    return `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0`;
  }

  clear(): void {
    this.#sessions.clear();
  }
}
