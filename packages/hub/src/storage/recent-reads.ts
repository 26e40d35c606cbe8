import type { Clock } from '../clock.ts';

/** How long a row read through RecentReads is used without asking the database again. */
export const RECENT_READS_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  value: unknown;
  tags: readonly string[];
  until: number;
}

/** What a write names to forget the reads it makes stale. */
export const recentTag = {
  user: (id: string) => `user:${id}`,
  credential: (id: string) => `credential:${id}`,
  workspace: (id: string) => `workspace:${id}`,
};

/**
 * Rows that every signed-in request reads (its session or API token with the user, the user's
 * workspaces), kept for a few seconds so that a burst of requests costs one lookup instead of
 * one each. Each entry carries tags (recentTag); a repository that changes or deletes such a
 * row forgets the tagged entries once its statement has run, so in this process a sign-out, a
 * revoked token, a changed password or a new membership counts at once. Another process on
 * the same Postgres database (a second `koppel server`) only learns of a change when its entry
 * expires, after at most RECENT_READS_TTL_MS: callers use it for reading requests, never to
 * authorize a change.
 */
export class RecentReads {
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  /** Loads under way, shared by the requests that need the same key meanwhile. */
  readonly #loading = new Map<string, { generation: number; promise: Promise<unknown> }>();
  /** Bumped by every forget; a load that overlapped one does not store what it read. */
  #generation = 0;

  constructor(clock: Clock) {
    this.#clock = clock;
  }

  /**
   * The value stored under `key` within the last RECENT_READS_TTL_MS, or what `load` returns:
   * remembered with `tags(value)`, unless something was forgotten while it ran (it may have
   * read the row before that change). Nothing is remembered for `undefined`. Callers that ask
   * for the same key while it loads wait for that load instead of starting their own (when an
   * entry expires under hundreds of requests a second, one query instead of hundreds), unless
   * something was forgotten since it started.
   */
  get<V>(
    key: string,
    load: () => Promise<V | undefined>,
    tags: (value: V) => string[],
  ): Promise<V | undefined> {
    const now = this.#clock.now().getTime();
    const entry = this.#entries.get(key);
    if (entry && entry.until > now) return Promise.resolve(entry.value as V);
    if (entry) this.#entries.delete(key);
    const generation = this.#generation;
    const loading = this.#loading.get(key);
    if (loading?.generation === generation) return loading.promise as Promise<V | undefined>;
    const promise = load().then(
      (value) => {
        if (this.#loading.get(key)?.promise === promise) this.#loading.delete(key);
        if (value !== undefined && generation === this.#generation) {
          // A Map iterates oldest first: dropping its first key bounds the memory.
          if (this.#entries.size >= MAX_ENTRIES) this.#entries.delete(this.#entries.keys().next().value!);
          this.#entries.set(key, { value, tags: tags(value), until: now + RECENT_READS_TTL_MS });
        }
        return value;
      },
      (error: unknown) => {
        if (this.#loading.get(key)?.promise === promise) this.#loading.delete(key);
        throw error;
      },
    );
    this.#loading.set(key, { generation, promise });
    return promise;
  }

  /** Forgets every entry with `tag`; call after the write that made them stale. */
  forget(tag: string): void {
    this.#generation++;
    for (const [key, entry] of this.#entries) if (entry.tags.includes(tag)) this.#entries.delete(key);
  }
}
