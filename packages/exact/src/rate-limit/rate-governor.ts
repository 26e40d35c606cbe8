import { ExactRateLimitError } from '../errors.ts';
import type { Clock, Sleep } from '../runtime.ts';
import type { RateBudget } from './rate-budget.ts';
import { type RateState, type RateWindow, readRateHeaders } from './rate-state.ts';

export interface RateGovernorOptions {
  budget: RateBudget;
  clientId: string;
  /**
   * Names the connection (default: the client id): its `current/Me` calls are charged to its
   * user's current division.
   */
  connectionKey?: string;
  clock: Clock;
  sleep: Sleep;
  /**
   * Daily calls kept for interactive use: background calls are refused with
   * `daily_reserve_reached` once the daily remaining drops to this (default 0).
   */
  dailyReserve?: number;
  /** Longest wait for a window reset before giving up with `rate_limit_wait_too_long` (default 2 min). */
  maxWaitMs?: number;
  /** Added to every computed wait: `Date` has one-second resolution (default 1 s). */
  safetyMarginMs?: number;
  /**
   * No call starts this close to a minutely reset (default 2 s): the server's time is known
   * only to the second and a call takes time to arrive, so it could count in either window.
   */
  boundaryGuardMs?: number;
  /**
   * A call booked this close to a minutely reset, but before the guard, counts against the next
   * window as well (default 5 s): on a loaded machine it may still arrive after the reset.
   */
  straddleMs?: number;
}

export interface RateLimits {
  daily: RateWindow | null;
  minutely: RateWindow | null;
}

type Decision = { go: true } | { go: false; waitMs: number } | { go: false; error: ExactRateLimitError };

const MINUTE = 60_000;
const DAY = 86_400_000;
/** How long the other calls wait for the first answer about an unknown budget, and how often they look. */
const PROBE_MS = 5_000;
const PROBE_POLL_MS = 50;

/**
 * The window `now` falls in, from the last one Exact reported: its windows are fixed (whole
 * minutes, UTC days), so an expired one is followed by a full one on the same grid. Every
 * process books its calls there at once instead of sending unbooked calls until an answer
 * from the new window arrives (which let a burst at a reset earn a 429).
 */
function currentWindow(window: RateWindow | undefined, now: number, length: number): RateWindow | undefined {
  if (window === undefined || now < window.resetAt) return window;
  const periods = Math.floor((now - window.resetAt) / length) + 1;
  const carried = periods === 1 ? (window.straddling ?? 0) : 0;
  return {
    limit: window.limit,
    remaining: Math.max(0, window.limit - carried),
    resetAt: window.resetAt + periods * length,
  };
}

/**
 * Lower bounds on (server clock − local clock) older than this are forgotten, so a local clock
 * that steps is followed within a minute.
 */
const OFFSET_MEMORY_MS = 60_000;

/**
 * Keeps calls inside Exact's per (client id, division) limits: waits for the minutely reset
 * rather than earning a 429, refuses background calls that would eat the daily reserve.
 * Time comes from the server's `Date` header (Exact's clock, or a moved simulator clock).
 */
export class RateGovernor {
  readonly #budget: RateBudget;
  readonly #clientId: string;
  readonly #meKey: string;
  readonly #clock: Clock;
  readonly #sleep: Sleep;
  readonly #reserve: number;
  readonly #maxWaitMs: number;
  readonly #marginMs: number;
  readonly #guardMs: number;
  readonly #straddleMs: number;
  /** Server clock minus local clock: the best lower bound the recent `Date` headers gave. */
  #offsetMs = 0;
  /** When (local clock) the current #offsetMs was last confirmed by a `Date` header. */
  #offsetSeenAt = Number.NEGATIVE_INFINITY;

  constructor(options: RateGovernorOptions) {
    this.#budget = options.budget;
    this.#clientId = options.clientId;
    this.#meKey = `${options.clientId}:me:${options.connectionKey ?? options.clientId}`;
    this.#clock = options.clock;
    this.#sleep = options.sleep;
    this.#reserve = options.dailyReserve ?? 0;
    this.#maxWaitMs = options.maxWaitMs ?? 120_000;
    this.#marginMs = options.safetyMarginMs ?? 1_000;
    this.#guardMs = options.boundaryGuardMs ?? 2_000;
    this.#straddleMs = options.straddleMs ?? 5_000;
  }

  #key(division: number): string {
    return `${this.#clientId}:${division}`;
  }

  /** Best estimate of the server's current time. */
  serverNow(): number {
    return this.#clock.now() + this.#offsetMs;
  }

  /**
   * Waits until one call may be sent for `division` and books it, or throws. Returns the
   * division it was booked in: `current/Me` (`null`) names none in its URL, yet Exact charges
   * it to the user's current division, which is known once a `current/Me` answer named it
   * (null until then: that call is booked nowhere).
   */
  async acquire(division: number | null, background: boolean): Promise<number | null> {
    const charged = division ?? (await this.#currentDivision());
    if (charged === null) return null;
    let waited = 0;
    for (;;) {
      const now = this.serverNow();
      const decision = await this.#budget.update(this.#key(charged), (state) =>
        this.#decide(state, now, background),
      );
      if (decision.go) return charged;
      if ('error' in decision) throw decision.error;
      if (waited + decision.waitMs > this.#maxWaitMs) {
        throw new ExactRateLimitError(
          'rate_limit_wait_too_long',
          `The minutely rate limit for division ${charged} resets in ${Math.ceil(decision.waitMs / 1000)} s, longer than the allowed wait`,
          { division: charged, resetAt: now + decision.waitMs },
        );
      }
      waited += decision.waitMs;
      await this.#wait(now, decision.waitMs);
    }
  }

  /** Sleeps `ms` from the server time `now`. */
  async #wait(now: number, ms: number): Promise<void> {
    await this.#sleep(ms);
    // Exact's clock moved at least as far as we slept, even when the local clock says
    // otherwise (a moved simulator clock); the next Date header corrects any excess.
    this.#offsetMs = Math.max(this.#offsetMs, now + ms - this.#clock.now());
  }

  /**
   * The division `current/Me` calls are charged to. Until an answer named it, one call goes
   * first and the others wait for its answer: booked nowhere, a burst of them would overrun
   * that division unseen.
   */
  async #currentDivision(): Promise<number | null> {
    for (;;) {
      const now = this.serverNow();
      const charged = await this.#budget.update(this.#meKey, (state) => {
        if (state?.chargedTo !== undefined) return { state, result: state.chargedTo };
        if (state?.probeUntil !== undefined && now < state.probeUntil) return { state, result: undefined };
        return { state: { probeUntil: now + PROBE_MS }, result: null };
      });
      if (charged !== undefined) return charged;
      await this.#wait(now, PROBE_POLL_MS);
    }
  }

  /**
   * Records the current division a `current/Me` answer named (null: the user has none): Exact
   * charged that call to it and charges the next ones there. The answer's headers are that
   * division's budget; they are recorded there too, since the call may have been booked
   * nowhere (no answer had named the division yet) or elsewhere (the user switched).
   */
  async chargeMeTo(current: number | null, headers: Headers): Promise<void> {
    await this.#budget.update(this.#meKey, () => ({ state: { chargedTo: current }, result: undefined }));
    if (current !== null) await this.#record(current, readRateHeaders(headers));
  }

  #decide(
    state: RateState | undefined,
    now: number,
    background: boolean,
  ): { state: RateState | undefined; result: Decision } {
    if (state?.daily === undefined && state?.minutely === undefined) {
      // Calls sent before any answer are booked nowhere: with several in flight, the first
      // answer's `remaining` would overstate what is left. One goes first; the rest wait for it.
      if (state?.probeUntil !== undefined && now < state.probeUntil) {
        return { state, result: { go: false, waitMs: PROBE_POLL_MS } };
      }
      return { state: { probeUntil: now + PROBE_MS }, result: { go: true } };
    }
    const next: RateState = { ...state };
    const daily = currentWindow(state.daily, now, DAY);
    const minutely = currentWindow(state.minutely, now, MINUTE);
    if (daily) {
      if (daily.remaining <= 0) {
        const error = new ExactRateLimitError(
          'daily_limit_reached',
          `The daily limit of ${daily.limit} calls is used up until ${new Date(daily.resetAt).toISOString()}`,
          { resetAt: daily.resetAt, limit: daily.limit },
        );
        return { state, result: { go: false, error } };
      }
      if (background && daily.remaining <= this.#reserve) {
        const error = new ExactRateLimitError(
          'daily_reserve_reached',
          `Only ${daily.remaining} daily calls remain, kept in reserve for interactive use until ${new Date(daily.resetAt).toISOString()}`,
          { resetAt: daily.resetAt, remaining: daily.remaining, reserve: this.#reserve },
        );
        return { state, result: { go: false, error } };
      }
    }
    if (minutely && minutely.remaining <= 0) {
      return { state, result: { go: false, waitMs: minutely.resetAt - now + this.#marginMs } };
    }
    if (minutely && minutely.resetAt - now < this.#guardMs) {
      return { state, result: { go: false, waitMs: minutely.resetAt - now } };
    }
    if (daily) next.daily = { ...daily, remaining: daily.remaining - 1 };
    if (minutely) {
      const late = minutely.resetAt - now < this.#straddleMs;
      next.minutely = {
        ...minutely,
        remaining: minutely.remaining - 1,
        ...(late ? { straddling: (minutely.straddling ?? 0) + 1 } : {}),
      };
    }
    return { state: next, result: { go: true } };
  }

  /**
   * Records what a response says about the budget of the division the call was booked in
   * (`acquire`'s answer; null: none, only the server's time is learnt); returns the wait
   * before a retry on 429.
   */
  async observe(division: number | null, status: number, headers: Headers): Promise<number> {
    const date = Date.parse(headers.get('date') ?? '');
    const now = this.#clock.now();
    if (Number.isFinite(date)) this.#learnOffset(date - now, now);
    const serverNow = now + this.#offsetMs;
    const seen = readRateHeaders(headers);
    if (status === 429 && !seen.daily && !seen.minutely) {
      // No headers: assume the fixed minute window (facts §2) and wait for the next minute.
      seen.minutely = { limit: 0, remaining: 0, resetAt: Math.floor(serverNow / MINUTE) * MINUTE + MINUTE };
    }
    if (status === 429) {
      for (const window of [seen.daily, seen.minutely]) if (window) window.remaining = 0;
    }
    if (division !== null) await this.#record(division, seen);
    // A `current/Me` booked nowhere that failed (a 401 is retried with a new token) names no
    // division: the next one goes at once rather than waiting out the probe.
    else if (status < 200 || status > 299) await this.#endMeProbe();
    if (status !== 429) return 0;
    const resets = [seen.minutely?.resetAt, seen.daily?.resetAt].filter((value) => value !== undefined);
    return Math.max(0, Math.min(...resets) - serverNow) + this.#marginMs;
  }

  async #endMeProbe(): Promise<void> {
    await this.#budget.update(this.#meKey, (state) => ({
      state: state?.chargedTo === undefined ? undefined : state,
      result: undefined,
    }));
  }

  async #record(division: number, seen: RateState): Promise<void> {
    await this.#budget.update(this.#key(division), (state) => ({
      state: merge(state, seen),
      result: undefined,
    }));
  }

  /**
   * `Date` has whole seconds and was stamped before the answer travelled, so each header gives
   * a lower bound on the offset, up to a second (and the latency) below it. The largest recent
   * bound is the closest; a smaller one replaces it only when the larger has not been seen for
   * a minute (the local clock may have stepped).
   */
  #learnOffset(bound: number, now: number): void {
    if (bound >= this.#offsetMs || now - this.#offsetSeenAt > OFFSET_MEMORY_MS) {
      this.#offsetMs = bound;
      this.#offsetSeenAt = now;
    } else if (bound > this.#offsetMs - 1_000) {
      this.#offsetSeenAt = now;
    }
  }

  /** Remaining daily and minutely calls for a division (null until Exact reported them). */
  async limits(division: number): Promise<RateLimits> {
    const state = await this.#budget.read(this.#key(division));
    const now = this.serverNow();
    const current = (window: RateWindow | undefined, length: number) => {
      const known = currentWindow(window, now, length);
      if (known === undefined) return null;
      const { straddling: _, ...shown } = known;
      return shown;
    };
    return { daily: current(state?.daily, DAY), minutely: current(state?.minutely, MINUTE) };
  }
}

// Within the same window keep the lower remaining: calls booked locally may not have
// reached Exact's count yet. An answer from an earlier window (slow, or sent just before a
// reset) arrives after calls were booked in the next one and must not replace it.
function merge(state: RateState | undefined, seen: RateState): RateState {
  const pick = (old: RateWindow | undefined, fresh: RateWindow | undefined) => {
    if (fresh === undefined) return old;
    if (old !== undefined && old.resetAt === fresh.resetAt) {
      const kept = { ...fresh, remaining: Math.min(old.remaining, fresh.remaining) };
      return old.straddling === undefined ? kept : { ...kept, straddling: old.straddling };
    }
    if (old !== undefined && old.resetAt > fresh.resetAt) return old;
    return fresh;
  };
  const result: RateState = {};
  const daily = pick(state?.daily, seen.daily);
  const minutely = pick(state?.minutely, seen.minutely);
  if (daily) result.daily = daily;
  if (minutely) result.minutely = minutely;
  return result;
}
