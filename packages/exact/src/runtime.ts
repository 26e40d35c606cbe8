/** A source of the current time, in epoch ms. */
export interface Clock {
  now(): number;
}

/** Waits `ms` milliseconds; injected so tests can move a simulated clock instead. */
export type Sleep = (ms: number) => Promise<void>;

export type Fetch = typeof fetch;

export const systemClock: Clock = { now: () => Date.now() };

export const realSleep: Sleep = (ms) => new Promise((resolve) => setTimeout(resolve, Math.max(0, ms)));
