/** A source of the current time, in epoch ms. */
export interface Clock {
  now(): number;
}

/** Waits `ms` milliseconds; injected so tests can move a simulated clock instead. */
export type Sleep = (ms: number) => Promise<void>;

export type Fetch = typeof fetch;

export const systemClock: Clock = { now: () => Date.now() };

/**
 * Calls `fire` after `ms` milliseconds and returns a function that cancels it; injected so
 * tests can fire request timeouts on a simulated clock.
 */
export type Timer = (ms: number, fire: () => void) => () => void;

export const realTimer: Timer = (ms, fire) => {
  const handle = setTimeout(fire, ms);
  return () => clearTimeout(handle);
};

/** An abort signal that fires `TimeoutError` after `ms` on `timer`; `cancel()` once done. */
export function deadline(timer: Timer, ms: number): { signal: AbortSignal; cancel: () => void } {
  const controller = new AbortController();
  const cancel = timer(ms, () =>
    controller.abort(new DOMException(`The operation timed out after ${ms} ms`, 'TimeoutError')),
  );
  return { signal: controller.signal, cancel };
}

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
