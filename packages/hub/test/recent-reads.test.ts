import { describe, expect, it } from 'vitest';
import { RECENT_READS_TTL_MS, RecentReads } from '../src/storage/recent-reads.ts';
import { TestClock } from './support/test-hub.ts';

describe('RecentReads', () => {
  const counting = () => {
    let loads = 0;
    return {
      load: async () => ({ value: ++loads }),
      get loads() {
        return loads;
      },
    };
  };

  it('answers from the last load until it is RECENT_READS_TTL_MS old', async () => {
    const clock = new TestClock();
    const recent = new RecentReads(clock, { shared: false });
    const source = counting();
    expect(await recent.get('k', source.load, () => [])).toEqual({ value: 1 });
    clock.advance(RECENT_READS_TTL_MS - 1);
    expect(await recent.get('k', source.load, () => [])).toEqual({ value: 1 });
    clock.advance(1);
    expect(await recent.get('k', source.load, () => [])).toEqual({ value: 2 });
  });

  it('forgets the entries with a tag, and only those', async () => {
    const recent = new RecentReads(new TestClock(), { shared: false });
    const a = counting();
    const b = counting();
    await recent.get('a', a.load, () => ['user:1', 'credential:a']);
    await recent.get('b', b.load, () => ['user:2']);
    recent.forget('user:1');
    await recent.get('a', a.load, () => ['user:1']);
    await recent.get('b', b.load, () => ['user:2']);
    expect([a.loads, b.loads]).toEqual([2, 1]);
  });

  it('does not keep what a load read while a change was written', async () => {
    const recent = new RecentReads(new TestClock(), { shared: false });
    let release!: () => void;
    const slow = new Promise<void>((resolve) => {
      release = resolve;
    });
    const source = counting();
    const pending = recent.get(
      'k',
      async () => {
        await slow;
        return source.load();
      },
      () => ['user:1'],
    );
    recent.forget('user:9');
    release();
    expect(await pending).toEqual({ value: 1 });
    expect(await recent.get('k', source.load, () => ['user:1'])).toEqual({ value: 2 });
  });

  it('shares one load among the callers that ask meanwhile, but not across a change', async () => {
    const recent = new RecentReads(new TestClock(), { shared: false });
    let loads = 0;
    let release!: () => void;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    const load = async () => {
      const n = ++loads;
      await gate;
      return { value: n };
    };
    const together = [recent.get('k', load, () => []), recent.get('k', load, () => [])];
    recent.forget('user:1');
    const afterChange = recent.get('k', load, () => []);
    release();
    expect(await Promise.all(together)).toEqual([{ value: 1 }, { value: 1 }]);
    expect(await afterChange).toEqual({ value: 2 });
    expect(loads).toBe(2);
  });

  it('keeps nothing for a miss', async () => {
    const recent = new RecentReads(new TestClock(), { shared: false });
    let loads = 0;
    const missing = async () => {
      loads++;
      return undefined;
    };
    await recent.get('k', missing, () => []);
    await recent.get('k', missing, () => []);
    expect(loads).toBe(2);
  });
});
