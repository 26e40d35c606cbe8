// Exact allows 200 token-endpoint calls per app per user per day (from 1 July 2021).
// Counted per UTC day; calls whose user cannot be known (unknown code or token) are
// counted against the app alone.

const DAY_MS = 86_400_000;

export class TokenQuota {
  readonly #perDay: number;
  readonly #counts = new Map<string, { day: number; count: number }>();

  constructor(perDay: number) {
    this.#perDay = perDay;
  }

  /** Counts one call; false when the day's allowance was already used up. */
  take(clientId: string, userId: string | undefined, now: number): boolean {
    if (this.#perDay === 0) return true;
    const key = `${clientId}\n${userId ?? ''}`;
    const day = Math.floor(now / DAY_MS);
    const entry = this.#counts.get(key);
    if (!entry || entry.day !== day) {
      this.#counts.set(key, { day, count: 1 });
      return true;
    }
    if (entry.count >= this.#perDay) return false;
    entry.count += 1;
    return true;
  }

  get perDay(): number {
    return this.#perDay;
  }

  clear(): void {
    this.#counts.clear();
  }
}
