import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InProcessStreamLocks, PostgresStreamLocks, type StreamLocks } from '../../src/flows/stream-lock.ts';
import { BACKENDS, type PreparedBackend } from '../support/test-hub.ts';

async function exclusive(a: StreamLocks, b: StreamLocks) {
  const first = await a.tryAcquire('flow-1/100001/accounts');
  expect(first).not.toBeNull();
  expect(await b.tryAcquire('flow-1/100001/accounts')).toBeNull();
  // Another stream is not held up.
  const other = await b.tryAcquire('flow-1/100002/accounts');
  expect(other).not.toBeNull();
  await first!.release();
  await first!.release();
  const again = await b.tryAcquire('flow-1/100001/accounts');
  expect(again).not.toBeNull();
  await again!.release();
  await other!.release();
}

describe('stream locks: one run of a stream at a time', () => {
  it('in one process (the embedded database)', async () => {
    const locks = new InProcessStreamLocks();
    await exclusive(locks, locks);
  });

  describe('across processes on Postgres', () => {
    let prepared: PreparedBackend;
    const pools: pg.Pool[] = [];
    beforeAll(async () => {
      prepared = await BACKENDS.find((backend) => backend.name === 'postgres')!.prepare();
      for (let i = 0; i < 2; i++)
        pools.push(new pg.Pool({ connectionString: prepared.env.DATABASE_URL, max: 3 }));
    });
    afterAll(async () => {
      await Promise.all(pools.map((pool) => pool.end()));
      await prepared?.dispose();
    });

    it('two pools (as two workers) never hold one stream together', async () => {
      await exclusive(new PostgresStreamLocks(pools[0]!), new PostgresStreamLocks(pools[1]!));
    });

    it('a holder whose connection dies loses the lock', async () => {
      const doomed = new pg.Pool({ connectionString: prepared.env.DATABASE_URL, max: 1 });
      doomed.on('error', () => {});
      const lease = await new PostgresStreamLocks(doomed).tryAcquire('flow-2/100001/items');
      expect(lease).not.toBeNull();
      const locks = new PostgresStreamLocks(pools[0]!);
      expect(await locks.tryAcquire('flow-2/100001/items')).toBeNull();
      // What a killed worker's connection looks like to Postgres.
      await pools[1]!.query(
        `select pg_terminate_backend(pid) from pg_locks
          where locktype = 'advisory' and granted and pid <> pg_backend_pid()
            and database = (select oid from pg_database where datname = current_database())`,
      );
      let taken = await locks.tryAcquire('flow-2/100001/items');
      for (let i = 0; taken === null && i < 100; i++) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        taken = await locks.tryAcquire('flow-2/100001/items');
      }
      expect(taken).not.toBeNull();
      await taken!.release();
      await lease!.release();
      await doomed.end();
    });
  });
});
