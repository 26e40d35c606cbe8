const STAMP_INTERVAL_MS = 60_000;
// Forgetting everything now and then bounds the memory; the cost is one extra write per id.
const MAX_REMEMBERED = 10_000;

/**
 * When to write a session's or API token's "last used" time: at most once a minute per id. The
 * stored time alone is not enough under load: every request that read the row before the first
 * write landed would write too, so this process also remembers what it wrote.
 */
export class UsageStamps {
  readonly #written = new Map<string, number>();

  /** True (and remembered) when `id` was last stamped, here or in the row, over a minute ago. */
  due(id: string, stored: Date | null, now: Date): boolean {
    const last = Math.max(stored?.getTime() ?? 0, this.#written.get(id) ?? 0);
    if (now.getTime() - last <= STAMP_INTERVAL_MS) return false;
    if (this.#written.size >= MAX_REMEMBERED) this.#written.clear();
    this.#written.set(id, now.getTime());
    return true;
  }
}
