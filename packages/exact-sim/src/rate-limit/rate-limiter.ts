// Exact's API limits per (client id, division): N calls per fixed clock minute and M per
// UTC day, announced in six X-RateLimit-* headers whose resets are absolute epoch
// milliseconds (exact-online-api.md §2). A refused call is not counted and its 429 carries
// only the headers of the limit that was hit.

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

export interface Limits {
  minutely: number;
  daily: number;
}

interface Window {
  minuteStart: number;
  minuteCount: number;
  dayStart: number;
  dayCount: number;
}

export type RateDecision =
  | { allowed: true; headers: Record<string, string> }
  | { allowed: false; exhausted: 'daily' | 'minutely'; headers: Record<string, string> };

const dailyHeaders = (limits: Limits, w: Window): Record<string, string> => ({
  'X-RateLimit-Limit': String(limits.daily),
  'X-RateLimit-Remaining': String(Math.max(0, limits.daily - w.dayCount)),
  'X-RateLimit-Reset': String(w.dayStart + DAY_MS),
});

const minutelyHeaders = (limits: Limits, w: Window): Record<string, string> => ({
  'X-RateLimit-Minutely-Limit': String(limits.minutely),
  'X-RateLimit-Minutely-Remaining': String(Math.max(0, limits.minutely - w.minuteCount)),
  'X-RateLimit-Minutely-Reset': String(w.minuteStart + MINUTE_MS),
});

export class RateLimiter {
  readonly #windows = new Map<string, Window>();

  /** Counts one call for `key` if both limits allow it. */
  take(key: string, limits: Limits, now: number): RateDecision {
    const minuteStart = now - (now % MINUTE_MS);
    const dayStart = now - (now % DAY_MS);
    let w = this.#windows.get(key);
    if (!w) {
      w = { minuteStart, minuteCount: 0, dayStart, dayCount: 0 };
      this.#windows.set(key, w);
    }
    if (w.minuteStart !== minuteStart) {
      w.minuteStart = minuteStart;
      w.minuteCount = 0;
    }
    if (w.dayStart !== dayStart) {
      w.dayStart = dayStart;
      w.dayCount = 0;
    }
    if (w.dayCount >= limits.daily)
      return { allowed: false, exhausted: 'daily', headers: dailyHeaders(limits, w) };
    if (w.minuteCount >= limits.minutely) {
      return { allowed: false, exhausted: 'minutely', headers: minutelyHeaders(limits, w) };
    }
    w.dayCount += 1;
    w.minuteCount += 1;
    return { allowed: true, headers: { ...dailyHeaders(limits, w), ...minutelyHeaders(limits, w) } };
  }

  clear(): void {
    this.#windows.clear();
  }
}
