import { HubError } from '../errors/hub-error.ts';
import { normalizeEmail } from '../storage/email-address.ts';
import type { RateLimitRepository } from './rate-limit-repository.ts';

export interface ThrottleLimits {
  /** Attempts allowed per (account, client address) within the window; then that pair waits it out. */
  perAccountAddress: number;
  /** Attempts allowed per client address within the window, whatever the accounts. */
  perAddress: number;
  /** Failed attempts on one account (from every address) before its attempts are paced. */
  accountPaceAfter: number;
  /** Once paced, the account takes one attempt per this interval, from anywhere. */
  accountPaceMs: number;
  windowMs: number;
}

export const DEFAULT_THROTTLE: ThrottleLimits = {
  perAccountAddress: 10,
  perAddress: 50,
  accountPaceAfter: 10,
  accountPaceMs: 5_000,
  windowMs: 15 * 60 * 1000,
};

/** A reserved sign-in attempt: counted as failed until the caller reports that it succeeded. */
export interface SignInAttempt {
  succeeded(): Promise<void>;
}

const keysOf = (email: string, ip: string) => {
  const account = normalizeEmail(email);
  return {
    pair: `login:pair:${account}|${ip}`,
    address: `login:ip:${ip}`,
    account: `login:account:${account}`,
    pace: `login:pace:${account}`,
  };
};

/**
 * Limits sign-in attempts (password, TOTP code, invitation acceptance). An attempt is reserved
 * atomically before the password is checked, so parallel guesses cannot slip past the limit.
 * Limits hold per (account, address) and per address; an account attacked from many addresses
 * is slowed down (one attempt per interval), never locked, so its owner can still sign in from
 * elsewhere. Counters live in the database, so the limits hold across every server process.
 */
export class LoginThrottle {
  readonly #repo: RateLimitRepository;
  readonly #limits: ThrottleLimits;

  constructor(repo: RateLimitRepository, limits: ThrottleLimits = DEFAULT_THROTTLE) {
    this.#repo = repo;
    this.#limits = limits;
  }

  /** Reserves one attempt, or throws 429 (`too_many_attempts`) with the seconds to wait. */
  async reserve(email: string, ip: string, now: Date): Promise<SignInAttempt> {
    const { windowMs, perAccountAddress, perAddress, accountPaceAfter, accountPaceMs } = this.#limits;
    const keys = keysOf(email, ip);
    const taken: string[] = [];
    const refuse = async (resetsAt: Date): Promise<never> => {
      for (const key of taken) await this.#repo.release(key);
      const retryAfterSeconds = Math.max(1, Math.ceil((resetsAt.getTime() - now.getTime()) / 1000));
      throw new HubError(
        'too_many_attempts',
        retryAfterSeconds < 60
          ? `Too many sign-in attempts; try again in ${retryAfterSeconds} second(s).`
          : `Too many failed sign-in attempts from this address; try again in ${Math.ceil(retryAfterSeconds / 60)} minute(s).`,
        { details: { retryAfterSeconds } },
      );
    };
    for (const [key, limit] of [
      [keys.pair, perAccountAddress],
      [keys.address, perAddress],
    ] as const) {
      const hit = await this.#repo.hit(key, now, windowMs);
      taken.push(key);
      if (hit.count > limit) await refuse(hit.resetsAt);
    }
    const failures = await this.#repo.current(keys.account, now, windowMs);
    if (failures.count >= accountPaceAfter) {
      const pace = await this.#repo.hit(keys.pace, now, accountPaceMs);
      if (pace.count > 1) await refuse(pace.resetsAt);
    }
    await this.#repo.hit(keys.account, now, windowMs);
    return {
      succeeded: async () => {
        await this.#repo.reset(keys.pair);
        await this.#repo.reset(keys.account);
        await this.#repo.reset(keys.pace);
        await this.#repo.release(keys.address);
      },
    };
  }
}
