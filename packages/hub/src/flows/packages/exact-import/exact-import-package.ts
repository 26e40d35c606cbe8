import { accounts, type DivisionClient, type EntityDef, ExactApiError, items } from '@koppel/exact';
import { z } from 'zod';
import type { FlowPackage, StreamRunInput } from '../../flow-package.ts';
import { schemaSetting } from '../../schema-setting.ts';
import {
  type AccountMatch,
  changedFields,
  type ExistingRecord,
  IMPORT_ENTITIES,
  type ImportEntity,
  MissingReferenceError,
} from './import-entities.ts';
import { ImportStore } from './import-store.ts';

export const exactImportSettings = z.object({
  schema: schemaSetting(
    'koppel_import',
    "Postgres schema (in the flow's database) holding the uploads and each row's result.",
  ),
  accountMatch: z
    .enum(['code', 'email'])
    .default('code')
    .describe(
      'How an account row finds the account Exact already has: by its code or by its e-mail address. Items match by code.',
    ),
  updateExisting: z
    .boolean()
    .default(true)
    .describe(
      'Update a matched record whose fields differ; off: matched records are left as they are ("unchanged").',
    ),
});

export type ExactImportSettings = z.output<typeof exactImportSettings>;

/** `flowId/division/entity` (StreamRunInput.streamId) → the flow's id. */
function flowIdOf(streamId: string): string {
  return streamId.slice(0, streamId.indexOf('/'));
}

/** Exact's records of the entity by match key and by id: 1,000 a call (sync or bulk). */
async function readIndex(
  exact: DivisionClient,
  entity: ImportEntity,
  match: AccountMatch,
): Promise<{ byKey: Map<string, ExistingRecord>; byId: Map<string, ExistingRecord> }> {
  const byKey = new Map<string, ExistingRecord>();
  const byId = new Map<string, ExistingRecord>();
  for await (const page of readRecords(exact, entity.exact, entity.readFields)) {
    for (const row of page.rows) {
      const values = row as unknown as Record<string, unknown>;
      const record = { id: String(values[entity.exact.key]), values };
      byId.set(record.id, record);
      const key = entity.recordKey(values, match);
      if (key !== null && !byKey.has(key)) byKey.set(key, record);
    }
  }
  return { byKey, byId };
}

/** Pages of the entity's records: its sync feed where Exact has one, else a full read. */
function readRecords(exact: DivisionClient, entity: EntityDef, fields: readonly string[]) {
  return entity.syncPath
    ? exact.sync(entity, { select: [...fields] as never })
    : exact
        .readAll(entity)
        .select(...(fields as never[]))
        .pages();
}

async function codesOf(exact: DivisionClient, entity: EntityDef): Promise<Map<string, string>> {
  const codes = new Map<string, string>();
  for await (const page of readRecords(exact, entity, ['ID', 'Code'])) {
    for (const row of page.rows) {
      const values = row as unknown as Record<string, unknown>;
      if (typeof values.Code === 'string') codes.set(values.Code.trim().toLowerCase(), String(values.ID));
    }
  }
  return codes;
}

/**
 * Writes the stream's pending import rows into Exact, oldest upload first: each row matched
 * (the id an earlier import wrote for its key, else Exact's record with the same key), then
 * created, updated or left unchanged, and its result stored before the next row. Exact's
 * refusal of a row fails that row with Exact's message; anything else (network, tokens)
 * stops the stream and the next run continues with the rows still pending.
 */
async function runImportStream(input: StreamRunInput<ExactImportSettings>): Promise<void> {
  const entity = IMPORT_ENTITIES.find((candidate) => candidate.name === input.entity);
  if (entity === undefined) throw new Error(`"Import into Exact" has no entity ${input.entity}`);
  const { settings, progress, exact, division } = input;
  const stream = { flowId: flowIdOf(input.streamId), division, entity: entity.name };
  const store = new ImportStore(input.destination.driver, settings.schema);
  await store.prepare();
  const pending = await store.pending(stream.flowId, division, entity.name);
  if (pending.length === 0) return;
  const index = await readIndex(exact, entity, settings.accountMatch);
  const accountCodes = entity.references?.includes('accounts') ? await codesOf(exact, accounts) : new Map();
  const itemCodes = entity.references?.includes('items') ? await codesOf(exact, items) : new Map();
  const refs = {
    accountIdByCode: (code: string) => accountCodes.get(code.trim().toLowerCase()),
    itemIdByCode: (code: string) => itemCodes.get(code.trim().toLowerCase()),
  };
  const written = await store.writtenKeys(stream.flowId, division, entity.name);
  for (const row of pending) {
    input.signal?.throwIfAborted();
    progress.rowsRead++;
    try {
      const wanted = entity.toExact(row.input, refs);
      const knownId = row.rowKey === null ? undefined : written.get(row.rowKey);
      const existing =
        (knownId === undefined ? undefined : index.byId.get(knownId)) ??
        (row.rowKey === null ? undefined : index.byKey.get(row.rowKey));
      if (existing === undefined) {
        const created = (await exact.create(entity.exact as EntityDef, wanted as never)) as unknown as Record<
          string,
          unknown
        >;
        const record = { id: String(created[entity.exact.key]), values: { ...created, ...wanted } };
        index.byId.set(record.id, record);
        if (row.rowKey !== null) {
          index.byKey.set(row.rowKey, record);
          written.set(row.rowKey, record.id);
        }
        await store.finishRow(stream, row, { status: 'created', exactId: record.id, message: null });
        progress.rowsWritten++;
        continue;
      }
      const compared = Object.fromEntries(
        Object.entries(wanted).filter(([field]) => !entity.createOnly?.includes(field)),
      );
      const changes = changedFields(compared, existing.values);
      if (Object.keys(changes).length === 0 || !settings.updateExisting) {
        await store.finishRow(stream, row, { status: 'unchanged', exactId: existing.id, message: null });
        continue;
      }
      await exact.update(entity.exact as EntityDef, existing.id, changes as never);
      Object.assign(existing.values, changes);
      await store.finishRow(stream, row, { status: 'updated', exactId: existing.id, message: null });
      progress.rowsWritten++;
    } catch (error) {
      const refused =
        error instanceof ExactApiError &&
        error.status >= 400 &&
        error.status < 500 &&
        error.status !== 429 &&
        error.status !== 401;
      if (!refused && !(error instanceof MissingReferenceError)) throw error;
      const message =
        error instanceof ExactApiError ? error.exactMessage || error.message : (error as Error).message;
      await store.finishRow(stream, row, { status: 'failed', exactId: null, message });
    }
  }
}

/** "Import into Exact": rows uploaded through the API, created or updated in Exact, one result per row. */
export const exactImportPackage: FlowPackage<typeof exactImportSettings> = {
  id: 'exact-import',
  title: 'Import into Exact',
  description:
    "Creates or updates accounts, contacts, items, sales orders and sales invoices in Exact from JSON or CSV uploaded to the flow (POST /api/v1/flows/{id}/imports): rows validated, matched to Exact's records, written under the rate budget, idempotent per row key, with a result per row.",
  entities: IMPORT_ENTITIES.map((entity) => ({ name: entity.name, title: entity.title, byDefault: true })),
  settings: exactImportSettings,
  runStream: runImportStream,
};
