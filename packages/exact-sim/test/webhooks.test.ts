import { createHmac } from 'node:crypto';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { RunningSimulator } from '../src/simulator.ts';
import type { Receiver } from './support/receiver.ts';
import { api, control, eventually, type TokenBody } from './support/sim.ts';
import {
  closeSimWithReceiver,
  type SimWithReceiver,
  startSimWithReceiver,
} from './support/sim-with-receiver.ts';

let setUp: SimWithReceiver;
let sim: RunningSimulator;
let receiver: Receiver;
let tokens: TokenBody;
let division: number;

beforeAll(async () => {
  setUp = await startSimWithReceiver();
  ({ sim, receiver, tokens, division } = setUp);
});
afterAll(() => closeSimWithReceiver(setUp));
beforeEach(() => {
  receiver.received.length = 0;
  receiver.answers.length = 0;
});

const subscribe = (callbackUrl: string) =>
  api(sim, tokens.access_token, `${division}/webhooks/WebhookSubscriptions`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ CallbackURL: callbackUrl, Topic: 'Accounts' }),
  });

/** Verifies a notification the way a receiver must: HMAC over the raw Content bytes. */
function verify(raw: string, secret: string): boolean {
  const match = /^\{"Content":(.*),"HashCode":"([0-9A-F]{64})"\}$/.exec(raw);
  if (!match) return false;
  const expected = createHmac('sha256', secret).update(match[1]!).digest('hex').toUpperCase();
  return expected === match[2];
}

describe('webhooks', () => {
  it('refuses a subscription whose callback does not answer the validation POST with 2xx', async () => {
    receiver.answers.push(500);
    const res = await subscribe(receiver.url);
    expect(res.status).toBe(500);
    const body = (await res.json()) as { error: { message: { value: string } } };
    expect(body.error.message.value).toBe(
      'Invalid: Post to callback URL endpoint returns 500 Internal Server Error',
    );

    const unreachable = await subscribe('http://127.0.0.1:1/nothing');
    const message = ((await unreachable.json()) as { error: { message: { value: string } } }).error.message
      .value;
    expect(message).toBe(
      'Invalid: Post to callback URL endpoint returns 500 An error occurred while sending the request.',
    );
  });

  it('validates with an empty POST, then delivers signed notifications for each change', async () => {
    const res = await subscribe(receiver.url);
    expect(res.status).toBe(201);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]!.headers['content-length']).toBe('0');
    expect(receiver.received[0]!.body).toBe('');

    const mutation = await control<{ created: string[] }>(sim, 'POST', 'mutations', {
      division,
      entity: 'crm/Accounts',
      creates: 2,
    });
    expect(mutation.status).toBe(200);
    const notes = await eventually(() =>
      receiver.received.length >= 3 ? receiver.received.slice(1) : undefined,
    );
    for (const note of notes) {
      expect(note.headers['content-type']).toBe('application/json');
      expect(verify(note.body, sim.defaults.app.webhookSecret)).toBe(true);
      expect(verify(note.body, 'another-secret')).toBe(false);
    }
    const contents = notes.map(
      (note) => (JSON.parse(note.body) as { Content: Record<string, unknown> }).Content,
    );
    expect(contents.map((c) => c.Key).sort()).toEqual([...mutation.body.created].sort());
    expect(contents[0]).toEqual({
      Topic: 'Accounts',
      ClientId: sim.defaults.app.clientId,
      Division: division,
      Action: 'Create',
      Key: contents[0]!.Key,
      ExactOnlineEndpoint: `${sim.url}/api/v1/${division}/crm/Accounts(guid'${contents[0]!.Key}')`,
      EventCreatedOn: new Date(sim.clock.now()).toISOString(),
    });
    expect(Object.keys(contents[0]!)).toEqual([
      'Topic',
      'ClientId',
      'Division',
      'Action',
      'Key',
      'ExactOnlineEndpoint',
      'EventCreatedOn',
    ]);
  });

  it('retries a failed delivery with the configured delays and counts it in stats', async () => {
    const before = (
      await control<{ webhooks: { delivered: number; failedAttempts: number } }>(sim, 'GET', 'stats')
    ).body.webhooks;
    receiver.answers.push(503, 500);
    await control(sim, 'POST', 'mutations', { division, entity: 'crm/Accounts', updates: 1 });
    const bodies = await eventually(() => (receiver.received.length >= 3 ? receiver.received : undefined));
    expect(new Set(bodies.map((b) => b.body)).size).toBe(1);
    expect((JSON.parse(bodies[0]!.body) as { Content: { Action: string } }).Content.Action).toBe('Update');
    const stats = (
      await control<{ webhooks: { delivered: number; failedAttempts: number } }>(sim, 'GET', 'stats')
    ).body.webhooks;
    expect(stats.delivered - before.delivered).toBe(1);
    expect(stats.failedAttempts - before.failedAttempts).toBe(2);
    const log = await control<{ deliveries: { attempt: number; ok: boolean; status: number }[] }>(
      sim,
      'GET',
      'webhooks',
    );
    expect(log.body.deliveries.slice(-3).map((d) => [d.attempt, d.ok, d.status])).toEqual([
      [1, false, 503],
      [2, false, 500],
      [3, true, 200],
    ]);
  });

  it('gives up after the last retry', async () => {
    const before = (await control<{ webhooks: { abandoned: number } }>(sim, 'GET', 'stats')).body.webhooks
      .abandoned;
    receiver.answers.push(500, 500, 500);
    await control(sim, 'POST', 'mutations', { division, entity: 'crm/Accounts', deletes: 1 });
    await eventually(async () => {
      const stats = await control<{ webhooks: { abandoned: number } }>(sim, 'GET', 'stats');
      return stats.body.webhooks.abandoned === before + 1 ? true : undefined;
    });
    expect(receiver.received).toHaveLength(3);
  });

  it('sends nothing for changes in a division without subscriptions', async () => {
    await control(sim, 'POST', 'mutations', {
      division: sim.defaults.divisions[1],
      entity: 'crm/Accounts',
      creates: 1,
    });
    const queued = await control<{ pending: number }>(sim, 'GET', 'webhooks');
    expect(queued.body.pending).toBe(0);
    // A marker change in the subscribed division is queued after the first one with the same
    // delay, so once its notification arrives, any notification for the first would have too.
    const marker = await control<{ created: string[] }>(sim, 'POST', 'mutations', {
      division,
      entity: 'crm/Accounts',
      creates: 1,
    });
    const notes = await eventually(() => (receiver.received.length >= 1 ? receiver.received : undefined));
    expect(notes).toHaveLength(1);
    const content = (JSON.parse(notes[0]!.body) as { Content: { Key: string; Division: number } }).Content;
    expect(content).toMatchObject({ Key: marker.body.created[0], Division: division });
  });
});
