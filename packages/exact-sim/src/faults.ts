// Injected failures, set through POST /_sim/faults: slow responses, a share of API calls
// answered with an error status, and token replies lost after the refresh token was
// consumed (Exact's "ExtractAccessToken" night-time failure).
import type { SeededRandom } from './random.ts';

export interface FaultSettings {
  /** Added before every /api response (OAuth and REST). */
  latencyMs: number;
  /** Share (0–1) of REST calls answered with `status` instead of being served. */
  errorRate: number;
  /** Status of injected errors. */
  status: number;
  /** Successful token responses to lose: the grant is applied, then the connection is cut. `true` = all. */
  dropTokenResponse: number | boolean;
}

export function noFaults(): FaultSettings {
  return { latencyMs: 0, errorRate: 0, status: 503, dropTokenResponse: false };
}

export class Faults {
  #current: FaultSettings = noFaults();
  readonly #random: SeededRandom;

  constructor(random: SeededRandom) {
    this.#random = random;
  }

  get current(): FaultSettings {
    return { ...this.#current };
  }

  update(patch: Partial<FaultSettings>): FaultSettings {
    this.#current = { ...this.#current, ...patch };
    return this.current;
  }

  clear(): void {
    this.#current = noFaults();
  }

  async delay(): Promise<void> {
    const ms = this.#current.latencyMs;
    if (ms > 0) await new Promise((resolve) => setTimeout(resolve, ms));
  }

  /** The status to answer instead of serving this call, or undefined to serve it. */
  injectedStatus(): number | undefined {
    const rate = this.#current.errorRate;
    if (rate <= 0) return undefined;
    return rate >= 1 || this.#random.next() < rate ? this.#current.status : undefined;
  }

  /** Whether to lose this successful token response (and count it down when a number was set). */
  takeTokenDrop(): boolean {
    const drop = this.#current.dropTokenResponse;
    if (drop === true) return true;
    if (typeof drop === 'number' && drop > 0) {
      this.#current.dropTokenResponse = drop - 1;
      return true;
    }
    return false;
  }
}
