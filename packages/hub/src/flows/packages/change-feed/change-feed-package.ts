import { setTimeout as sleep } from 'node:timers/promises';
import type { DeletedRecord, EntityDef, SyncRow } from '@koppel/exact';
import { z } from 'zod';
import type { FlowPackage, StreamRunInput } from '../../flow-package.ts';
import { schemaSetting } from '../../schema-setting.ts';
import { streamChanges } from '../../stream-changes.ts';
import { REPLICA_TABLES } from '../replicate/replica-tables.ts';
import { eventId } from './event-id.ts';
import { postBatch } from './feed-delivery.ts';
import { type CapturedChange, FeedOutbox } from './feed-outbox.ts';

/** Entities announced by default: the ones other applications most often follow. */
const DEFAULT_ENTITIES = new Set(['accounts', 'contacts', 'items']);
/** A backoff longer than this waits for the flow's next run instead of holding the stream. */
const IN_RUN_RETRY_WINDOW_MS = 60_000;

export const changeFeedSettings = z.object({
  url: z.url({ protocol: /^https?$/ }).describe('Where the batches are POSTed (https in production).'),
  signingSecret: z
    .string()
    .min(24, 'at least 24 characters')
    .max(500)
    .describe(
      'Shared secret for the Koppel-Signature header (HMAC-SHA256 over "<timestamp>.<body>"); see docs/change-feed.md.',
    ),
  schema: schemaSetting(
    'koppel_change_feed',
    "Postgres schema (in the flow's database) holding the feed's cursor, outbox and delivery log.",
  ),
  batchSize: z.number().int().min(1).max(1_000).default(100).describe('Events per POST, at most.'),
  maxAttempts: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(10)
    .describe('Attempts per event before it is dead-lettered (retry dead letters from the flow).'),
  retryDelaySeconds: z
    .number()
    .min(0.01)
    .max(3_600)
    .default(30)
    .describe('Wait before the first retry; doubles with every failed attempt, at most an hour.'),
  timeoutSeconds: z
    .number()
    .min(1)
    .max(120)
    .default(30)
    .describe('How long to wait for the receiver to answer.'),
  initialLoad: z
    .boolean()
    .default(true)
    .describe(
      'On the first run send every existing record as "created"; off: only changes made after the first run.',
    ),
});

export type ChangeFeedSettings = z.output<typeof changeFeedSettings>;

/** The change feed stores its state in the flow's database under this prefix per flow. */
export function feedStreamPrefix(flowId: string): string {
  return `${flowId}/`;
}

function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? item.toString() : item));
}

function rowChange(
  division: number,
  entity: string,
  idField: string,
  row: SyncRow<EntityDef>,
): CapturedChange {
  const values = row as unknown as Record<string, unknown>;
  const key = String(values[idField]);
  const version = String(values.Timestamp);
  const id = eventId(division, entity, key, version, false);
  return {
    eventId: id,
    recordKey: key,
    deleted: false,
    render: (type) => toJson({ id, type, entity, division, key, version, data: values }),
  };
}

function deletedChange(division: number, entity: string, record: DeletedRecord): CapturedChange {
  const version = record.timestamp.toString();
  const id = eventId(division, entity, record.key, version, true);
  return {
    eventId: id,
    recordKey: record.key,
    deleted: true,
    render: (type) =>
      toJson({
        id,
        type,
        entity,
        division,
        key: record.key,
        version,
        deletedAt: record.deletedAt,
        data: null,
      }),
  };
}

/** Thrown at the end of a run that left events undelivered, so the watcher shows the stream failed. */
export class FeedDeliveryError extends Error {
  readonly code: 'feed_receiver_failing' | 'feed_dead_letters';
  constructor(code: FeedDeliveryError['code'], message: string) {
    super(message);
    this.name = 'FeedDeliveryError';
    this.code = code;
  }
}

async function runFeedStream(input: StreamRunInput<ChangeFeedSettings>): Promise<void> {
  const source = REPLICA_TABLES.find((table) => table.name === input.entity);
  if (source === undefined) throw new Error(`The change feed has no entity ${input.entity}`);
  const { settings, progress, streamId, division, signal } = input;
  const outbox = new FeedOutbox(input.destination.driver, settings.schema);
  let cursor = await outbox.prepare(streamId);
  progress.cursorBefore = cursor;
  progress.cursorAfter = cursor;
  const firstRun = cursor.rows === '0' && cursor.deleted === '0';
  const capture = !firstRun || settings.initialLoad;
  for await (const change of streamChanges(input.exact, source, cursor)) {
    signal?.throwIfAborted();
    if (change.kind === 'complete') break;
    const changes = !capture
      ? []
      : change.kind === 'rows'
        ? change.rows.map((row) => rowChange(division, input.entity, source.idField, row))
        : change.records.map((record) => deletedChange(division, input.entity, record));
    if (change.kind === 'rows') progress.rowsRead += change.rows.length;
    const captured = await outbox.capture(streamId, changes, cursor, change.cursor);
    if (change.kind === 'deleted') progress.rowsDeleted += captured;
    cursor = change.cursor;
    progress.cursorAfter = cursor;
  }
  await deliver(input, outbox);
}

/** Sends the stream's outbox in order until it is empty or the next retry is too far away. */
async function deliver(input: StreamRunInput<ChangeFeedSettings>, outbox: FeedOutbox): Promise<void> {
  const { settings, streamId, signal, progress } = input;
  const endpoint = {
    url: settings.url,
    secret: settings.signingSecret,
    timeoutMs: settings.timeoutSeconds * 1000,
  };
  const policy = { maxAttempts: settings.maxAttempts, retryDelayMs: settings.retryDelaySeconds * 1000 };
  let deadLettered = 0;
  let lastFailure: string | null = null;
  for (;;) {
    signal?.throwIfAborted();
    const batch = await outbox.nextBatch(streamId, settings.batchSize);
    if (batch === undefined) break;
    const wait = batch.dueAt.getTime() - Date.now();
    if (wait > IN_RUN_RETRY_WINDOW_MS) {
      throw new FeedDeliveryError(
        'feed_receiver_failing',
        `Events wait for the receiver (last answer: ${lastFailure ?? 'a failure in an earlier run'}); the next attempt is due at ${batch.dueAt.toISOString()}.`,
      );
    }
    if (wait > 0) await sleep(wait, undefined, signal ? { signal } : {});
    const answer = await postBatch(endpoint, batch.bodies, signal);
    const moved = await outbox.recordAttempt(streamId, batch, answer, policy);
    progress.rowsWritten += moved.delivered;
    deadLettered += moved.deadLettered;
    if (moved.delivered === 0) lastFailure = answer.error ?? `HTTP ${answer.status}`;
  }
  if (deadLettered > 0) {
    throw new FeedDeliveryError(
      'feed_dead_letters',
      `${deadLettered} events were dead-lettered after ${settings.maxAttempts} attempts (last answer: ${lastFailure}); POST /api/v1/flows/{flowId}/dead-letters/retry sends them again.`,
    );
  }
}

/** "Change feed": every created, updated and deleted record as signed, batched JSON POSTs. */
export const changeFeedPackage: FlowPackage<typeof changeFeedSettings> = {
  id: 'change-feed',
  title: 'Change feed',
  description:
    'Sends every created, updated and deleted record of the chosen entities to a URL as batched JSON POSTs, signed with HMAC-SHA256, in order per record, retried with backoff and dead-lettered after a number of attempts.',
  entities: REPLICA_TABLES.map(({ name, title, webhookTopic }) => ({
    name,
    title,
    byDefault: DEFAULT_ENTITIES.has(name),
    webhookTopic,
  })),
  settings: changeFeedSettings,
  secretSettings: ['signingSecret'],
  runStream: runFeedStream,
};
