// Exact's error limit (from 1 July 2021): more than N error answers (400/401/403/404) for
// one app, user, division and endpoint within an hour blocks that combination for an hour.
// Off by default; the answer while blocked is UNCONFIRMED (see README).
import type { ErrorBlockSettings } from '../config.ts';

const COUNTED = new Set([400, 401, 403, 404]);

export class ErrorBlock {
  readonly #settings: ErrorBlockSettings;
  readonly #errors = new Map<string, number[]>();
  readonly #blockedUntil = new Map<string, number>();

  constructor(settings: ErrorBlockSettings) {
    this.#settings = settings;
  }

  get enabled(): boolean {
    return this.#settings.enabled;
  }

  /** Epoch ms until which `key` is blocked, or undefined. */
  blockedUntil(key: string, now: number): number | undefined {
    const until = this.#blockedUntil.get(key);
    if (until === undefined) return undefined;
    if (now >= until) {
      this.#blockedUntil.delete(key);
      return undefined;
    }
    return until;
  }

  record(key: string, status: number, now: number): void {
    if (!this.#settings.enabled || !COUNTED.has(status)) return;
    const since = now - this.#settings.windowMs;
    const recent = (this.#errors.get(key) ?? []).filter((at) => at > since);
    recent.push(now);
    if (recent.length >= this.#settings.maxErrors) {
      this.#blockedUntil.set(key, now + this.#settings.blockMs);
      this.#errors.delete(key);
    } else {
      this.#errors.set(key, recent);
    }
  }

  clear(): void {
    this.#errors.clear();
    this.#blockedUntil.clear();
  }
}
