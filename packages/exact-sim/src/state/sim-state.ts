// What a `--state` file holds: the parts of the simulated world that are not regenerated from
// the seed. Login sessions, rate-limit windows, statistics and faults are not kept: they are
// short-lived, and a restart of Exact's own servers would not keep them either.
import type { DataPlaneState } from '../contract.ts';
import type { DirectoryState } from '../directory.ts';
import type { TokenStoreState } from '../oauth/token-store.ts';

export const STATE_FORMAT = 'exact-sim-state';
export const STATE_VERSION = 1;

export interface SimState {
  format: typeof STATE_FORMAT;
  version: typeof STATE_VERSION;
  /** Generated records depend on it: a state only fits a simulator with the same seed. */
  seed: number;
  savedAt: string;
  /** Simulated time when saved, epoch ms; the clock resumes from here (or later, never earlier). */
  clock: number;
  /** Codes of the start-up divisions (`sim.defaults.divisions`). */
  defaultDivisions: number[];
  directory: DirectoryState;
  tokens: TokenStoreState;
  dataPlane: DataPlaneState;
}
