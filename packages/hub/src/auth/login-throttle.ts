import { HubError } from '../errors/hub-error.ts';
import { normalizeEmail } from '../storage/email-address.ts';
import type { RateLimitRepository } from './rate-limit-repository.ts';

export interface ThrottleLimits {
  /** Failed attempts allowed per account within the window. */
  perAccount: number;
  /** Failed attempts allowed per client IP within the window. */
  perIp: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = { perAccount: 10, perIp: 50, windowMs: 15 * 60 * 1000 };

/**
 * Limits failed sign-in attempts (password, TOTP code, invitation acceptance) per account and per
 * IP. Counters live in the database, so the limit holds across every server process.
 */
export class LoginThrottle {
  readonly #repo: RateLimitRepository;
  readonly #limits: ThrottleLimits;

  constructor(repo: RateLimitRepository, limits: ThrottleLimits = DEFAULT_THROTTLE) {
    this.#repo = repo;
    this.#limits = limits;
  }

  #keys(email: string, ip: string) {
    return [
      { key: `login:account:${normalizeEmail(email)}`, limit: this.#limits.perAccount },
      { key: `login:ip:${ip}`, limit: this.#limits.perIp },
    ];
  }

  /** Throws 429 when the account or the IP has used up its failed attempts. */
  async assertAllowed(email: string, ip: string, now: Date): Promise<void> {
    for (const { key, limit } of this.#keys(email, ip)) {
      const { count, resetsAt } = await this.#repo.current(key, now, this.#limits.windowMs);
      if (count >= limit) {
        const retryAfterSeconds = Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000));
        throw new HubError(
          'too_many_attempts',
          `Too many failed sign-in attempts; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
          { details: { retryAfterSeconds } },
        );
      }
    }
  }

  async recordFailure(email: string, ip: string, now: Date): Promise<void> {
    for (const { key } of this.#keys(email, ip)) await this.#repo.hit(key, now, this.#limits.windowMs);
  }

  /** A successful sign-in clears the account's counter (not the IP's). */
  async recordSuccess(email: string): Promise<void> {
    await this.#repo.reset(`login:account:${normalizeEmail(email)}`);
  }
}
