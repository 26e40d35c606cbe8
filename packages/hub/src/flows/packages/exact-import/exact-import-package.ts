import { accounts, type DivisionClient, type EntityDef, ExactApiError, items } from '@koppel/exact';
import { z } from 'zod';
import type { FlowPackage, RecordRetryInput, StreamRunInput } from '../../flow-package.ts';
import type { RecordFailure } from '../../record-failure.ts';
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

/** The stream as both a run and a retry of failed rows get it. */
type ImportStreamInput = Omit<RecordRetryInput<ExactImportSettings>, 'payloads'>;

/** What writing rows of one stream needs: Exact's records by key and id, and the codes rows refer to. */
interface ImportContext {
  input: ImportStreamInput;
  entity: ImportEntity;
  stream: { flowId: string; division: number; entity: string };
  store: ImportStore;
  index: { byKey: Map<string, ExistingRecord>; byId: Map<string, ExistingRecord> };
  refs: Parameters<ImportEntity['toExact']>[1];
  written: Map<string, string>;
}

type ImportRow = Awaited<ReturnType<ImportStore['pending']>>[number];

async function importContext(input: ImportStreamInput, store: ImportStore): Promise<ImportContext> {
  const entity = IMPORT_ENTITIES.find((candidate) => candidate.name === input.entity);
  if (entity === undefined) throw new Error(`"Import into Exact" has no entity ${input.entity}`);
  const { settings, exact, division } = input;
  const stream = { flowId: flowIdOf(input.streamId), division, entity: entity.name };
  const index = await readIndex(exact, entity, settings.accountMatch);
  const accountCodes = entity.references?.includes('accounts') ? await codesOf(exact, accounts) : new Map();
  const itemCodes = entity.references?.includes('items') ? await codesOf(exact, items) : new Map();
  const refs = {
    accountIdByCode: (code: string) => accountCodes.get(code.trim().toLowerCase()),
    itemIdByCode: (code: string) => itemCodes.get(code.trim().toLowerCase()),
  };
  const written = await store.writtenKeys(stream.flowId, division, entity.name);
  return { input, entity, stream, store, index, refs, written };
}

/**
 * Matches one row (the id an earlier import wrote for its key, else Exact's record with the
 * same key), then creates, updates or leaves it, and stores its result. Exact's refusal of
 * the row (or a code it refers to that Exact does not have) fails the row and is returned, for
 * the watcher; anything else (network, tokens) is thrown and stops the stream.
 */
async function writeRow(
  ctx: ImportContext,
  row: ImportRow,
  progress: { rowsWritten: number },
): Promise<RecordFailure | null> {
  const { input, entity, stream, store, index, refs, written } = ctx;
  const { exact, settings } = input;
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
      return null;
    }
    const compared = Object.fromEntries(
      Object.entries(wanted).filter(([field]) => !entity.createOnly?.includes(field)),
    );
    const changes = changedFields(compared, existing.values);
    if (Object.keys(changes).length === 0 || !settings.updateExisting) {
      await store.finishRow(stream, row, { status: 'unchanged', exactId: existing.id, message: null });
      return null;
    }
    await exact.update(entity.exact as EntityDef, existing.id, changes as never);
    Object.assign(existing.values, changes);
    await store.finishRow(stream, row, { status: 'updated', exactId: existing.id, message: null });
    progress.rowsWritten++;
    return null;
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
    return {
      key: row.rowKey ?? `${row.importId}/${row.rowNumber}`,
      label: row.rowKey,
      code: error instanceof MissingReferenceError ? 'missing_reference' : 'exact_refused',
      message,
      reason: error instanceof ExactApiError ? error.reason : null,
      payload: { importId: row.importId, rowNumber: row.rowNumber, input: row.input },
    };
  }
}

/**
 * Writes the stream's pending import rows into Exact, oldest upload first, each row's result
 * stored before the next. A row Exact refuses fails and becomes an error in the watcher; the
 * next run continues with the rows still pending after a network or token failure.
 */
async function runImportStream(input: StreamRunInput<ExactImportSettings>): Promise<void> {
  const store = new ImportStore(input.destination.driver, input.settings.schema);
  await store.prepare();
  const pending = await store.pending(flowIdOf(input.streamId), input.division, input.entity);
  if (pending.length === 0) return;
  const ctx = await importContext(input, store);
  for (const row of pending) {
    input.signal?.throwIfAborted();
    input.progress.rowsRead++;
    const failure = await writeRow(ctx, row, input.progress);
    if (failure) input.reject(failure);
  }
}

/** Sends the failed rows a retry names again (after their cause was fixed); those refused again are returned. */
async function retryImportRows(input: RecordRetryInput<ExactImportSettings>): Promise<RecordFailure[]> {
  const store = new ImportStore(input.destination.driver, input.settings.schema);
  await store.prepare();
  const named = input.payloads.map((payload) => payload as { importId: string; rowNumber: number });
  const rows = await store.rowsAt(named);
  if (rows.length === 0) return [];
  const ctx = await importContext(input, store);
  const failures: RecordFailure[] = [];
  for (const row of rows) {
    input.signal?.throwIfAborted();
    const failure = await writeRow(ctx, row, { rowsWritten: 0 });
    if (failure) failures.push(failure);
  }
  return failures;
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
  retryRecords: retryImportRows,
};
