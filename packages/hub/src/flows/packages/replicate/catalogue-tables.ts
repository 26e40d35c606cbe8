import { type CatalogueEntry, catalogueIndex, type EntityDef, fieldsOf, loadEntity } from '@koppel/exact';
import type { PackageEntity } from '../../flow-package.ts';
import { REPLICA_TABLES, type ReplicaTable } from './replica-tables.ts';
import { snakeCase } from './table-layout.ts';

/**
 * A table "Replicate to database" offers beyond the default eight: one per `sync/` and
 * `bulk/` endpoint of the SDK's catalogue. Only its catalogue entry (no fields) is held
 * until a stream of it runs, so listing them loads none of the entity modules.
 */
export interface CatalogueChoice extends PackageEntity {
  readonly endpoint: string;
  readonly scope: string;
  readonly kind: 'sync' | 'bulk';
  /** The standard endpoint the sync/bulk one mirrors, when Exact has one (its `sync/Deleted` codes). */
  readonly twin: CatalogueEntry | undefined;
}

/** Endpoints that are not tables of their own: the deleted feed every sync table reads anyway. */
const NOT_TABLES = new Set(['sync/Deleted']);

/** `StockPositions` → `Stock positions`, `ProjectWBS` → `Project WBS`, `GLClassifications` → `GL classifications`. */
function wordsOf(name: string): string {
  const words = name.match(/[A-Z]+(?=[A-Z][a-z])|[A-Z]?[a-z0-9]+|[A-Z]+/g) ?? [name];
  return words
    .map((word, index) => (index === 0 || /^[A-Z]{2,}$/.test(word) ? word : word.toLowerCase()))
    .join(' ');
}

function choiceOf(entry: CatalogueEntry): CatalogueChoice {
  const kind = entry.kind as 'sync' | 'bulk';
  const [, ...segments] = entry.path.split('/');
  const twin = catalogueIndex.find(
    (candidate) =>
      candidate.kind === 'standard' &&
      (kind === 'sync' ? candidate.syncPath === entry.path : candidate.bulkPath === entry.path),
  );
  const title = wordsOf(segments.at(-1) ?? entry.path);
  return {
    // `sync/Project/Projects` → `project_projects`: the endpoint without its sync/ or bulk/ prefix.
    name: segments.map(snakeCase).join('_'),
    title: kind === 'bulk' ? `${title} (full read)` : title,
    byDefault: false,
    webhookTopic: twin?.webhookTopic,
    scope: entry.scope,
    endpoint: entry.path,
    kind,
    twin,
  };
}

const defaultEndpoints = new Set(REPLICA_TABLES.map((table) => table.endpoint));

/**
 * Every `sync/` and `bulk/` endpoint of the catalogue that no default table reads already,
 * grouped by scope (so the app permission each needs reads together) and by title within it.
 */
export const CATALOGUE_CHOICES: readonly CatalogueChoice[] = catalogueIndex
  .filter(
    (entry) =>
      (entry.kind === 'sync' || entry.kind === 'bulk') &&
      !NOT_TABLES.has(entry.path) &&
      !defaultEndpoints.has(entry.path),
  )
  .map(choiceOf)
  .sort((a, b) => a.scope.localeCompare(b.scope) || a.title.localeCompare(b.title));

/**
 * The field that becomes `id`: a bulk endpoint's key; for a sync endpoint (whose catalogue
 * key is the `Timestamp` cursor) its first GUID, the record's ID (`ID`, or `EntryID` on the
 * entities Exact keys that way).
 */
function idFieldOf(choice: CatalogueChoice, entity: EntityDef): string {
  if (choice.kind === 'bulk') return entity.key;
  const id = [...fieldsOf(entity).values()].find((field) => field.type === 'Guid');
  if (id === undefined) throw new Error(`${choice.endpoint} has no GUID field to key its replica rows on`);
  return id.name;
}

async function loaded(path: string): Promise<EntityDef> {
  const entity = await loadEntity(path);
  if (entity === undefined) throw new Error(`The SDK's catalogue has no ${path}`);
  return entity;
}

async function tableOf(choice: CatalogueChoice): Promise<ReplicaTable> {
  const entity = await loaded(choice.endpoint);
  // Sync rows are removed through `sync/Deleted` under the standard entity's codes, or the
  // sync entity's own where it has no twin; a bulk endpoint is read in full every run, so
  // what a run does not see is what Exact deleted.
  const deletedAs =
    choice.kind === 'sync' && choice.twin?.deletedEntityTypes?.length
      ? await loaded(choice.twin.path)
      : undefined;
  return {
    name: choice.name,
    title: choice.title,
    byDefault: false,
    webhookTopic: choice.webhookTopic,
    scope: choice.scope,
    endpoint: choice.endpoint,
    entity,
    idField: idFieldOf(choice, entity),
    ...(deletedAs ? { deletedAs } : {}),
  };
}

const resolved = new Map<string, Promise<ReplicaTable>>();

/** The replica table of a flow's entity name: a default one, or a catalogue one loaded on first use. */
export function replicaTableNamed(name: string): Promise<ReplicaTable> {
  const standard = REPLICA_TABLES.find((table) => table.name === name);
  if (standard !== undefined) return Promise.resolve(standard);
  let table = resolved.get(name);
  if (table === undefined) {
    const choice = CATALOGUE_CHOICES.find((candidate) => candidate.name === name);
    if (choice === undefined)
      return Promise.reject(new Error(`"Replicate to database" has no table ${name}`));
    table = tableOf(choice);
    resolved.set(name, table);
  }
  return table;
}
