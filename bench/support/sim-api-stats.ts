import type { SimulatorAnnouncement } from './simulator-child.ts';

/** What the benchmarks' simulator processes announce: the common part and their divisions. */
export interface BenchSimulator extends SimulatorAnnouncement {
  divisions: number[];
}

/** The simulator's own count of API calls, and of the calls it answered 429. */
export async function simApiStats(url: string): Promise<{ calls: number; rateLimited: number }> {
  const stats = (await (await fetch(`${url}/_sim/stats`)).json()) as {
    api: { calls: number; rateLimited: number };
  };
  return stats.api;
}
