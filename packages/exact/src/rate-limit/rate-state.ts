/** One rate-limit window as last reported by Exact (resets are epoch ms, server clock). */
export interface RateWindow {
  limit: number;
  remaining: number;
  resetAt: number;
  /**
   * Calls booked in the window's last seconds: one may reach Exact after the reset and count in
   * the next window instead, so the next window starts with that many fewer.
   */
  straddling?: number;
}

/** What is known about one (client id, division) budget. */
export interface RateState {
  daily?: RateWindow;
  minutely?: RateWindow;
  /**
   * While nothing is known, one call goes first to learn the budget; the others wait for its
   * answer until this time (a probe whose answer never comes does not block for long).
   */
  probeUntil?: number;
  /**
   * Only in a connection's `current/Me` entry: the division Exact charges `current/Me` to, the
   * user's current division as the last answer named it (null: the user has none).
   */
  chargedTo?: number | null;
}

/** Reads the six `X-RateLimit-*` headers; a 429 carries only the set of the limit it hit. */
export function readRateHeaders(headers: Headers): RateState {
  const window = (prefix: string): RateWindow | undefined => {
    const limit = Number(headers.get(`${prefix}-Limit`));
    const remaining = Number(headers.get(`${prefix}-Remaining`));
    const resetAt = Number(headers.get(`${prefix}-Reset`));
    if (!headers.has(`${prefix}-Remaining`) || !Number.isFinite(remaining) || !Number.isFinite(resetAt)) {
      return undefined;
    }
    return { limit: Number.isFinite(limit) ? limit : remaining, remaining, resetAt };
  };
  const state: RateState = {};
  const daily = window('X-RateLimit');
  const minutely = window('X-RateLimit-Minutely');
  if (daily) state.daily = daily;
  if (minutely) state.minutely = minutely;
  return state;
}
