import type { Run } from '../api/types.ts';

/** "1.2 s", "3 min 4 s": how long a run or stream took. */
export function durationText(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
}

/** A run's duration so far (or in total once it finished); undefined before it started. */
export function runDurationMs(run: Run, now: number = Date.now()): number | undefined {
  if (!run.startedAt) return undefined;
  const end = run.finishedAt ? Date.parse(run.finishedAt) : now;
  return end - Date.parse(run.startedAt);
}

export const count = (n: number) => n.toLocaleString('en-US');
