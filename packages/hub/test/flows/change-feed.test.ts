import type { DivisionClient } from '@koppel/exact';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresDestination } from '../../src/destinations/postgres-destination.ts';
import {
  type ChangeFeedSettings,
  changeFeedPackage,
  feedStreamPrefix,
} from '../../src/flows/packages/change-feed/change-feed-package.ts';
import { FeedOutbox } from '../../src/flows/packages/change-feed/feed-outbox.ts';
import { InProcessStreamLocks } from '../../src/flows/stream-lock.ts';
import type { StreamStats } from '../../src/flows/stream-stats.ts';
import { BACKENDS } from '../support/test-hub.ts';
import { type FeedReceiver, type ReceivedEvent, startFeedReceiver } from './feed-receiver.ts';
import { openTestDestination, runPackageStreams, startTestSim, type TestSim } from './replica-kit.ts';

const DIVISION = 100001;
const SECRET = 'a-test-signing-secret-of-enough-length';
const FLOW = '00000000-0000-4000-8000-00000000feed';
const STREAMS = [
  { entity: 'accounts', path: 'crm/Accounts' },
  { entity: 'addresses', path: 'crm/Addresses' },
] as const;

/** Every event for `key`, in arrival order. */
function eventsOf(events: readonly ReceivedEvent[], key: string): ReceivedEvent[] {
  return events.filter((event) => event.key === key);
}

describe.each(BACKENDS)('change feed on $name', (backend) => {
  let sim: TestSim;
  let exact: DivisionClient;
  let destination: PostgresDestination;
  let dispose: () => Promise<void>;
  let receiver: FeedReceiver;
  let settings: ChangeFeedSettings;
  const locks = new InProcessStreamLocks();

  async function runFeed(overrides: Partial<ChangeFeedSettings> = {}): Promise<Record<string, StreamStats>> {
    return runPackageStreams(changeFeedPackage, {
      flowId: FLOW,
      entities: STREAMS.map((stream) => stream.entity),
      settings: { ...settings, ...overrides },
      exact,
      destination,
      locks,
    });
  }

  async function mutate(path: string, counts: { creates: number; updates: number; deletes: number }) {
    return sim.control<{ created: string[]; updated: string[]; deleted: string[] }>('POST', '/mutations', {
      division: DIVISION,
      entity: path,
      ...counts,
    });
  }

  beforeAll(async () => {
    sim = await startTestSim({
      defaultDivisions: [
        { code: DIVISION, description: 'Feed BV', volumes: { accounts: 60, contacts: 10, addresses: 40 } },
      ],
    });
    exact = (await sim.connectedClient()).division(DIVISION, { background: true });
    ({ destination, dispose } = await openTestDestination(backend));
    receiver = await startFeedReceiver(SECRET);
    settings = changeFeedPackage.settings.parse({
      url: receiver.url,
      signingSecret: SECRET,
      batchSize: 25,
      retryDelaySeconds: 0.05,
    });
  });
  afterAll(async () => {
    await receiver?.close();
    await dispose?.();
    await sim?.close();
  });

  it('sends every record, then every mutation in order, signed; after 500s the backlog; dead letters retried', async () => {
    const first = await runFeed();
    for (const stats of Object.values(first)) expect(stats.error).toBeNull();
    expect(receiver.events.filter((e) => e.entity === 'accounts')).toHaveLength(60);
    expect(receiver.events.filter((e) => e.entity === 'addresses')).toHaveLength(40);
    expect(new Set(receiver.events.map((e) => e.type))).toEqual(new Set(['created']));
    expect(first.accounts?.rowsWritten).toBe(60);

    // Mutations through the simulator, then an incremental run: each one arrives, in order.
    const accounts = await mutate('crm/Accounts', { creates: 6, updates: 10, deletes: 0 });
    const addresses = await mutate('crm/Addresses', { creates: 3, updates: 4, deletes: 5 });
    const before = receiver.events.length;
    const second = await runFeed();
    for (const stats of Object.values(second)) expect(stats.error).toBeNull();
    const fresh = receiver.events.slice(before);
    for (const key of [...accounts.created, ...addresses.created]) {
      expect(eventsOf(fresh, key)[0]?.type).toBe('created');
    }
    for (const key of [...accounts.updated, ...addresses.updated]) {
      if (accounts.created.includes(key) || addresses.created.includes(key)) continue;
      expect(eventsOf(fresh, key).map((e) => e.type)).toContain('updated');
    }
    for (const key of addresses.deleted) expect(eventsOf(fresh, key).at(-1)?.type).toBe('deleted');
    // Per record, versions only go up, across both runs.
    for (const key of new Set(receiver.events.map((e) => e.key))) {
      const versions = eventsOf(receiver.events, key).map((e) => BigInt(e.version));
      expect([...versions].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))).toEqual(versions);
    }
    const updated = fresh.find((e) => e.type === 'updated' && e.entity === 'accounts');
    expect(updated?.data?.ID).toBe(updated?.key);

    // The receiver answers 500 for a while: the run retries with backoff and delivers the backlog.
    receiver.failNext(4);
    const later = await mutate('crm/Accounts', { creates: 2, updates: 30, deletes: 0 });
    const mark = receiver.events.length;
    const third = await runFeed();
    expect(third.accounts?.error).toBeNull();
    expect(receiver.answered[500]).toBe(4);
    const backlog = receiver.events.slice(mark);
    for (const key of [...later.created, ...later.updated])
      expect(eventsOf(backlog, key).length).toBeGreaterThan(0);
    const outbox = new FeedOutbox(destination.driver, settings.schema);
    const answers = await outbox.deliveries(feedStreamPrefix(FLOW), 100);
    expect(answers.filter((a) => a.status === 500)).toHaveLength(4);
    expect(answers.find((a) => a.status === 500)?.bodyExcerpt).toBe('receiver down for maintenance');

    // Down for good: dead-lettered after maxAttempts, the stream reports it; retried, delivered.
    receiver.failNext(Number.POSITIVE_INFINITY);
    const lost = await mutate('crm/Accounts', { creates: 1, updates: 3, deletes: 0 });
    const failed = await runFeed({ maxAttempts: 3 });
    expect(failed.accounts?.status).toBe('failed');
    expect(failed.accounts?.error?.code).toBe('feed_dead_letters');
    const dead = await outbox.deadLetters(feedStreamPrefix(FLOW), 100);
    expect(dead.map((d) => d.recordKey).sort()).toEqual(
      [...new Set([...lost.created, ...lost.updated])].sort(),
    );
    expect(dead.every((d) => d.attempts === 3 && d.lastError === 'HTTP 500')).toBe(true);
    receiver.failNext(0);
    const mark2 = receiver.events.length;
    expect(await outbox.retryDeadLetters(feedStreamPrefix(FLOW), null)).toBe(dead.length);
    const retried = await runFeed();
    expect(retried.accounts?.error).toBeNull();
    expect(
      receiver.events
        .slice(mark2)
        .map((e) => e.id)
        .sort(),
    ).toEqual(dead.map((d) => d.eventId).sort());
    expect(await outbox.backlog(feedStreamPrefix(FLOW))).toEqual({ pending: 0, dead: 0 });

    expect(receiver.badSignatures).toBe(0);
    // Event ids are unique per record version.
    expect(new Set(receiver.events.map((e) => e.id)).size).toBe(receiver.events.length);
  });
});
