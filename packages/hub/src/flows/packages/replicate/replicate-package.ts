import { z } from 'zod';
import type { FlowPackage, StreamRunInput } from '../../flow-package.ts';
import { isIncremental, streamChanges } from '../../stream-changes.ts';
import { ReplicaStore } from './replica-store.ts';
import { REPLICA_TABLES } from './replica-tables.ts';
import { tableLayout } from './table-layout.ts';

export const replicateSettings = z.object({
  schema: z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case Postgres name: letters, digits and _, at most 63')
    .default('exact')
    .describe('Postgres schema the tables are created in.'),
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

async function runReplicaStream(input: StreamRunInput<ReplicateSettings>): Promise<void> {
  const source = REPLICA_TABLES.find((table) => table.name === input.entity);
  if (source === undefined) throw new Error(`"Replicate to database" has no table ${input.entity}`);
  const store = new ReplicaStore({
    driver: input.destination.driver,
    layout: tableLayout(source.entity, input.settings.schema, source.name, source.idField),
    streamId: input.streamId,
    division: input.division,
    deleteMode: input.settings.deleteMode,
  });
  const { progress } = input;
  let { cursor, resyncing } = await store.prepare();
  progress.cursorBefore = cursor;
  // Without a sync endpoint every run reads everything, so every run sweeps like a resync.
  if ((input.resync || !isIncremental(source)) && !resyncing) {
    cursor = await store.startResync(cursor);
    resyncing = true;
  }
  progress.cursorAfter = cursor;
  // One write in flight while the next page is read and prepared; writes stay in order.
  let writing: Promise<void> = Promise.resolve();
  try {
    for await (const change of streamChanges(input.exact, source, cursor)) {
      input.signal?.throwIfAborted();
      const prepared = change.kind === 'rows' ? store.preparePage(change.rows) : undefined;
      await writing;
      const from = cursor;
      cursor = change.cursor;
      writing = (async () => {
        if (change.kind === 'rows' && prepared !== undefined) {
          progress.rowsRead += change.rows.length;
          if (change.rows.length > 0 || change.cursor.rows !== from.rows) {
            progress.rowsWritten += await store.writePage(prepared, from, change.cursor);
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
      // Awaited at the next page or below; a failure meanwhile must not count as unhandled.
      writing.catch(() => {});
    }
  } finally {
    await writing.catch(() => {});
  }
  await writing;
}

/** "Replicate to database": Exact entities into Postgres tables, kept current incrementally. */
export const replicatePackage: FlowPackage<typeof replicateSettings> = {
  id: 'replicate',
  title: 'Replicate to database',
  description:
    "Copies Exact data into Postgres tables (one per entity, typed columns plus the raw record) and keeps them current through Exact's sync and deleted feeds, exactly once.",
  entities: REPLICA_TABLES.map(({ name, title, byDefault, webhookTopic }) => ({
    name,
    title,
    byDefault,
    webhookTopic,
  })),
  settings: replicateSettings,
  tables: (settings, entities) =>
    entities.map((entity) => ({ schema: settings.schema, table: entity, entity })),
  runStream: runReplicaStream,
};
