import { type EntityDef, type RawRecord, readRow, type SyncRow } from '@koppel/exact';
import { z } from 'zod';
import type { FlowPackage, RecordRetryInput, StreamRunInput } from '../../flow-package.ts';
import { type RecordFailure, recordLabel } from '../../record-failure.ts';
import { schemaSetting } from '../../schema-setting.ts';
import { isIncremental, streamChanges } from '../../stream-changes.ts';
import { CATALOGUE_CHOICES, replicaTableNamed } from './catalogue-tables.ts';
import { type RejectedRow, ReplicaStore } from './replica-store.ts';
import { REPLICA_TABLES, type ReplicaTable } from './replica-tables.ts';
import { tableLayout } from './table-layout.ts';

export const replicateSettings = z.object({
  schema: schemaSetting('exact', 'Postgres schema the tables are created in.'),
  deleteMode: z
    .enum(['soft', 'hard'])
    .default('soft')
    .describe(
      'What a record deleted in Exact does to its row: "soft" keeps it and fills _deleted_at, "hard" removes it.',
    ),
  webhooks: z
    .boolean()
    .default(true)
    .describe(
      "Subscribe to Exact's webhooks so changes arrive within seconds (needs the hub's public URL); otherwise only the schedule runs the flow.",
    ),
});

export type ReplicateSettings = z.output<typeof replicateSettings>;

function replicaStore(
  input: Pick<StreamRunInput<ReplicateSettings>, 'destination' | 'settings' | 'streamId' | 'division'>,
  source: ReplicaTable,
): ReplicaStore {
  return new ReplicaStore({
    driver: input.destination.driver,
    layout: tableLayout(source.entity, input.settings.schema, source.name, source.idField),
    streamId: input.streamId,
    division: input.division,
    deleteMode: input.settings.deleteMode,
  });
}

function failureOf(source: ReplicaTable, row: RejectedRow): RecordFailure {
  return {
    key: String(row.raw[source.idField] ?? ''),
    label: recordLabel(row.raw),
    code: row.code,
    message: row.message,
    reason: row.detail,
    payload: row.raw,
  };
}

/**
 * Page writes in flight at once, each on its own connection: the next page's COPY runs while
 * the one before merges and commits, so the database is never idle waiting on a round trip.
 * They commit in order (each one's cursor compare-and-set waits for the one before).
 */
const WRITES_IN_FLIGHT = 2;

async function runReplicaStream(input: StreamRunInput<ReplicateSettings>): Promise<void> {
  const source = await replicaTableNamed(input.entity);
  const store = replicaStore(input, source);
  const { progress } = input;
  let { cursor, resyncing } = await store.prepare();
  progress.cursorBefore = cursor;
  // Without a sync endpoint every run reads everything, so every run sweeps like a resync.
  if ((input.resync || !isIncremental(source)) && !resyncing) {
    cursor = await store.startResync(cursor);
    resyncing = true;
  }
  progress.cursorAfter = cursor;
  // Writes overlap the next page's read and preparation, and each other (see `WRITES_IN_FLIGHT`).
  const writes: Promise<void>[] = [];
  try {
    for await (const change of streamChanges(input.exact, source, cursor)) {
      input.signal?.throwIfAborted();
      const prepared = change.kind === 'rows' ? await store.preparePage(change.rows) : undefined;
      if (writes.length === WRITES_IN_FLIGHT) await writes.shift();
      const from = cursor;
      cursor = change.cursor;
      const write = (async () => {
        if (change.kind === 'rows' && prepared !== undefined) {
          progress.rowsRead += change.rows.length;
          if (change.rows.length > 0 || change.cursor.rows !== from.rows) {
            const { written, rejected } = await store.writePage(prepared, from, change.cursor);
            progress.rowsWritten += written;
            for (const row of rejected) input.reject(failureOf(source, row));
          }
        } else if (change.kind === 'deleted') {
          if (change.records.length > 0 || change.cursor.deleted !== from.deleted) {
            progress.rowsDeleted += await store.applyDeletes(change.records, from, change.cursor);
          }
        } else if (resyncing) {
          progress.rowsDeleted += await store.finishResync(change.cursor);
        }
        progress.cursorAfter = change.cursor;
      })();
      // Awaited in order below; a failure meanwhile must not count as unhandled.
      write.catch(() => {});
      writes.push(write);
    }
  } finally {
    await Promise.allSettled(writes);
  }
  // In order: a write that failed is reported, not the cursor conflicts of those after it.
  for (const write of writes) await write;
}

/** Writes refused rows again as Exact sent them (typed afresh), the cursor untouched. */
async function retryReplicaRecords(input: RecordRetryInput<ReplicateSettings>): Promise<RecordFailure[]> {
  const source = await replicaTableNamed(input.entity);
  const store = replicaStore(input, source);
  await store.prepare();
  const rows = input.payloads.map(
    (payload) => readRow(source.entity, payload as RawRecord) as unknown as SyncRow<EntityDef>,
  );
  const { rejected } = await store.writeRows(rows);
  return rejected.map((row) => failureOf(source, row));
}

/** "Replicate to database": Exact entities into Postgres tables, kept current incrementally. */
export const replicatePackage: FlowPackage<typeof replicateSettings> = {
  id: 'replicate',
  title: 'Replicate to database',
  description:
    "Copies Exact data into Postgres tables (one per entity, typed columns plus the raw record) and keeps them current through Exact's sync and deleted feeds, exactly once.",
  // The default eight, then every other sync/ and bulk/ endpoint of the catalogue.
  entities: [...REPLICA_TABLES, ...CATALOGUE_CHOICES].map(
    ({ name, title, byDefault, webhookTopic, scope, endpoint }) => ({
      name,
      title,
      byDefault,
      webhookTopic,
      scope,
      endpoint,
    }),
  ),
  settings: replicateSettings,
  tables: (settings, entities) =>
    entities.map((entity) => ({ schema: settings.schema, table: entity, entity })),
  runStream: runReplicaStream,
  retryRecords: retryReplicaRecords,
};
