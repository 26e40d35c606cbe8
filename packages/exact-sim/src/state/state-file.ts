// Reading and writing a `--state` file. Writes are atomic (a temporary file renamed over the
// old one), so a crash mid-write leaves the previous state intact; saves after changes are
// debounced so a burst of API writes costs one write.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import { type SimState, STATE_FORMAT, STATE_VERSION } from './sim-state.ts';

export class StateFileError extends Error {
  readonly code = 'invalid_state_file';
  readonly path: string;
  constructor(path: string, message: string) {
    super(`exact-sim state file ${path}: ${message}`);
    this.name = 'StateFileError';
    this.path = path;
  }
}

/** The saved state, or `undefined` when the file does not exist yet. */
export function readStateFile(path: string, seed: number): SimState | undefined {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new StateFileError(path, `cannot be read: ${(error as Error).message}`);
  }
  let state: Partial<SimState>;
  try {
    state = JSON.parse(text) as Partial<SimState>;
  } catch (error) {
    throw new StateFileError(
      path,
      `is not valid JSON (${(error as Error).message}); move it away to start afresh.`,
    );
  }
  if (state?.format !== STATE_FORMAT || state.version !== STATE_VERSION) {
    throw new StateFileError(
      path,
      `is not an exact-sim state file of version ${STATE_VERSION}; move it away to start afresh.`,
    );
  }
  if (state.seed !== seed) {
    throw new StateFileError(
      path,
      `was written by a simulator with seed ${String(state.seed)}, this one has seed ${seed}: start with --seed ${String(state.seed)} or move the file away.`,
    );
  }
  return state as SimState;
}

function writeAtomically(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true });
  const temporary = `${path}.${process.pid}.tmp`;
  writeFileSync(temporary, text, { mode: 0o600 });
  renameSync(temporary, path);
}

/** Saves `snapshot()` to `path` some time after `schedule()`, and at once on `flush()`. */
export class StateWriter {
  readonly #path: string;
  readonly #snapshot: () => SimState;
  readonly #delayMs: number;
  readonly #log: (line: string) => void;
  #timer: NodeJS.Timeout | undefined;

  constructor(path: string, snapshot: () => SimState, delayMs: number, log: (line: string) => void) {
    this.#path = path;
    this.#snapshot = snapshot;
    this.#delayMs = delayMs;
    this.#log = log;
  }

  schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#save();
    }, this.#delayMs);
    this.#timer.unref();
  }

  /** Saves now (cancelling a scheduled save). */
  flush(): void {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#save();
  }

  #save(): void {
    try {
      writeAtomically(this.#path, JSON.stringify(this.#snapshot()));
    } catch (error) {
      // A failed save must not take the simulator down; the next change tries again.
      this.#log(`exact-sim: could not save the state to ${this.#path}: ${(error as Error).message}`);
    }
  }
}
