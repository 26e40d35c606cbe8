import { sql } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import type { Db } from './database.ts';

/** How long a row read through RecentReads is used without asking the database again. */
export const RECENT_READS_TTL_MS = 5_000;
const MAX_ENTRIES = 10_000;

interface Entry {
  value: unknown;
  tags: readonly string[];
  until: number;
}

/** The Postgres channel on which processes tell each other what to forget. */
export const RECENT_READS_CHANNEL = 'koppel_recent_reads';

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
 * row calls forgetEverywhere once its statement has run, so in this process a sign-out, a
 * revoked token, a changed password or a new membership counts at once. On Postgres the other
 * processes hear of it through NOTIFY when the write commits (see listenForForgottenReads);
 * should that fail, an entry still lives at most RECENT_READS_TTL_MS. Callers use it for
 * reading requests, never to authorize a change.
 */
export class RecentReads {
  readonly #clock: Clock;
  readonly #entries = new Map<string, Entry>();
  /** Loads under way, shared by the requests that need the same key meanwhile. */
  readonly #loading = new Map<string, { generation: number; promise: Promise<unknown> }>();
  /** Bumped by every forget; a load that overlapped one does not store what it read. */
  #generation = 0;

  readonly #shared: boolean;

  /** `shared`: other processes use the same database (Postgres) and are told what to forget. */
  constructor(clock: Clock, options: { shared: boolean }) {
    this.#clock = clock;
    this.#shared = options.shared;
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

  /**
   * Forgets the entries with `tag` here, and in the other processes when `db`'s transaction
   * commits (NOTIFY is delivered on commit, so they cannot read the old row again afterwards).
   * Call after the write that made them stale, with the handle it used.
   */
  async forgetEverywhere(db: Db, tag: string): Promise<void> {
    this.forget(tag);
    if (this.#shared) await db.execute(sql`select pg_notify(${RECENT_READS_CHANNEL}, ${tag})`);
  }

  /** Forgets every entry with `tag` in this process. */
  forget(tag: string): void {
    this.#generation++;
    for (const [key, entry] of this.#entries) if (entry.tags.includes(tag)) this.#entries.delete(key);
  }

  /** Forgets everything (after missing what other processes said). */
  clear(): void {
    this.#generation++;
    this.#entries.clear();
  }
}
