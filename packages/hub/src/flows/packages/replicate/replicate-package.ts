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
  for await (const change of streamChanges(input.exact, source, cursor)) {
    input.signal?.throwIfAborted();
    if (change.kind === 'rows') {
      progress.rowsRead += change.rows.length;
      if (change.rows.length > 0 || change.cursor.rows !== cursor.rows) {
        progress.rowsWritten += await store.writePage(change.rows, cursor, change.cursor);
      }
    } else if (change.kind === 'deleted') {
      if (change.records.length > 0 || change.cursor.deleted !== cursor.deleted) {
        progress.rowsDeleted += await store.applyDeletes(change.records, cursor, change.cursor);
      }
    } else if (resyncing) {
      progress.rowsDeleted += await store.finishResync(change.cursor);
    }
    cursor = change.cursor;
    progress.cursorAfter = cursor;
  }
}

/** "Replicate to database": Exact entities into Postgres tables, kept current incrementally. */
export const replicatePackage: FlowPackage<typeof replicateSettings> = {
  id: 'replicate',
  title: 'Replicate to database',
  description:
    "Copies Exact data into Postgres tables (one per entity, typed columns plus the raw record) and keeps them current through Exact's sync and deleted feeds, exactly once.",
  entities: REPLICA_TABLES.map(({ name, title, byDefault }) => ({ name, title, byDefault })),
  settings: replicateSettings,
  runStream: runReplicaStream,
};
