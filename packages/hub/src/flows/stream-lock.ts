import type pg from 'pg';

/** Held while a stream runs; `release` is idempotent. */
export interface StreamLease {
  release(): Promise<void>;
}

/** At most one run of a stream at a time; `tryAcquire` answers null when another run holds it. */
export interface StreamLocks {
  tryAcquire(streamId: string): Promise<StreamLease | null>;
}

/**
 * For one process (the embedded database allows no other): a set of streams running here.
 */
export class InProcessStreamLocks implements StreamLocks {
  readonly #held = new Set<string>();

  async tryAcquire(streamId: string): Promise<StreamLease | null> {
    if (this.#held.has(streamId)) return null;
    this.#held.add(streamId);
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        this.#held.delete(streamId);
      },
    };
  }
}

/**
 * Across processes on one Postgres: a session advisory lock keyed by the stream id, held on a
 * connection of its own for the whole run. A process that dies drops its connection, and
 * Postgres releases the lock with it, so no lease ever needs to expire.
 */
export class PostgresStreamLocks implements StreamLocks {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async tryAcquire(streamId: string): Promise<StreamLease | null> {
    const client = await this.#pool.connect();
    const key = `koppel-stream:${streamId}`;
    try {
      const result = await client.query<{ locked: boolean }>(
        'select pg_try_advisory_lock(hashtextextended($1, 0)) as locked',
        [key],
      );
      if (!result.rows[0]?.locked) {
        client.release();
        return null;
      }
    } catch (error) {
      client.release();
      throw error;
    }
    // A held connection that breaks (server restart, network) must not crash the process;
    // the lock went with it, and the run's next write fails its cursor check or reconnects.
    const ignore = () => {};
    client.on('error', ignore);
    let released = false;
    return {
      release: async () => {
        if (released) return;
        released = true;
        client.off('error', ignore);
        try {
          await client.query('select pg_advisory_unlock(hashtextextended($1, 0))', [key]);
          client.release();
        } catch (error) {
          // A broken connection has lost the lock already; do not return it to the pool.
          client.release(error as Error);
        }
      },
    };
  }
}
