import type { RateState } from '@koppel/exact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresRateBudget } from '../../src/connections/rate-budget.ts';
import { type Database, openDatabase } from '../../src/storage/database.ts';
import { BACKENDS } from '../support/test-hub.ts';
import { startExactHub, type TestHub } from './exact-test-kit.ts';

const spend = (state: RateState | undefined): { state: RateState; result: number } => {
  const remaining = (state?.minutely?.remaining ?? 1000) - 1;
  return { state: { minutely: { limit: 1000, remaining, resetAt: 0 } }, result: remaining };
};

describe.each(BACKENDS)('the rate budget shared through the database ($name)', (backend) => {
  let t: TestHub;
  let second: Database | undefined;
  let budgets: PostgresRateBudget[];

  beforeAll(async () => {
    t = await startExactHub(backend);
    // On Postgres a second pool stands in for another process; PGlite has one connection.
    if (t.config.databaseUrl)
      second = await openDatabase({ databaseUrl: t.config.databaseUrl, dataDir: '', poolSize: 5 });
    budgets = [new PostgresRateBudget(t.hub.db), new PostgresRateBudget(second?.db ?? t.hub.db)];
  });
  afterAll(async () => {
    await second?.close();
    await t?.close();
  });

  it('applies concurrent updates of one key one at a time, losing none', async () => {
    const key = `client-${backend.name}:100001`;
    expect(await budgets[0]!.read(key)).toBeUndefined();
    const results = await Promise.all(
      Array.from({ length: 40 }, (_, i) => budgets[i % 2]!.update(key, spend)),
    );
    expect(new Set(results).size).toBe(40);
    expect((await budgets[1]!.read(key))?.minutely?.remaining).toBe(960);
  });

  it('keeps keys apart and forgets a key whose state becomes undefined', async () => {
    await budgets[0]!.update('a:1', spend);
    await budgets[0]!.update('a:2', spend);
    await budgets[0]!.update('a:2', spend);
    expect((await budgets[1]!.read('a:1'))?.minutely?.remaining).toBe(999);
    expect((await budgets[1]!.read('a:2'))?.minutely?.remaining).toBe(998);
    expect(await budgets[1]!.update('a:1', () => ({ state: undefined, result: 'dropped' }))).toBe('dropped');
    expect(await budgets[0]!.read('a:1')).toBeUndefined();
  });
});
