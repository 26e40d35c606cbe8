// The one simulated clock. It either ticks with real time from a chosen start or stands
// still (frozen); `/_sim/clock` moves it forward. Time never moves backwards, because
// windows, lifetimes and `Modified` stamps all assume it does not.
import type { Clock } from './contract.ts';

export class ClockError extends Error {
  readonly code = 'clock_backwards';
  constructor(message: string) {
    super(message);
    this.name = 'ClockError';
  }
}

export interface SimClockOptions {
  /** Simulated time at creation, epoch ms. */
  startMs: number;
  frozen: boolean;
  /** Real monotonic time source in ms; injectable for tests. */
  realNow?: () => number;
}

export class SimClock implements Clock {
  readonly frozen: boolean;
  readonly #realNow: () => number;
  #baseSim: number;
  #baseReal: number;

  constructor(options: SimClockOptions) {
    this.frozen = options.frozen;
    this.#realNow = options.realNow ?? (() => performance.now());
    this.#baseSim = options.startMs;
    this.#baseReal = this.#realNow();
  }

  now(): number {
    if (this.frozen) return this.#baseSim;
    return this.#baseSim + Math.floor(this.#realNow() - this.#baseReal);
  }

  /** Moves the clock forward by `ms` (≥ 0). */
  advance(ms: number): number {
    if (!Number.isFinite(ms) || ms < 0) {
      throw new ClockError(`advanceMs must be a number of milliseconds ≥ 0, got ${ms}`);
    }
    return this.set(this.now() + ms);
  }

  /** Moves the clock to `ms` (epoch ms), which must not be before the current simulated time. */
  set(ms: number): number {
    const current = this.now();
    if (!Number.isFinite(ms) || ms < current) {
      throw new ClockError(
        `cannot move the clock to ${Number.isFinite(ms) ? new Date(ms).toISOString() : ms}: it is already ${new Date(current).toISOString()} and simulated time only moves forward`,
      );
    }
    this.#baseSim = Math.floor(ms);
    this.#baseReal = this.#realNow();
    return this.#baseSim;
  }
}
