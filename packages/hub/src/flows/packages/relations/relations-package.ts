import type { EntityDef, SyncRow } from '@koppel/exact';
import { z } from 'zod';
import type { FlowPackage, StreamRunInput } from '../../flow-package.ts';
import { schemaSetting } from '../../schema-setting.ts';
import { streamChanges } from '../../stream-changes.ts';
import { DEFAULT_ACCOUNT_LINK, DEFAULT_CONTACT_LINK } from './deep-links.ts';
import { isCountryCode, type RecordProblem } from './phone-numbers.ts';
import { type AccountType, accountTypes, RELATION_TABLES, type RowContext } from './relation-tables.ts';
import { type RelationRow, RelationsStore } from './relations-store.ts';

const LinkTemplate = z
  .string()
  .max(1_000)
  .refine((value) => value.includes('{ID}'), 'must contain {ID}');

export const relationsSettings = z.object({
  schema: schemaSetting(
    'relations',
    'Postgres schema holding the accounts, contacts and addresses tables and the account_overview view.',
  ),
  defaultCountry: z
    .string()
    .length(2)
    .toUpperCase()
    .refine(isCountryCode, 'an ISO 3166 country code libphonenumber knows, e.g. NL, BE, DE, GB')
    .default('NL')
    .describe(
      'Country for phone numbers written without an international prefix when the record has no country of its own; numbers are stored in E.164 (+31…).',
    ),
  accountTypes: z
    .array(z.enum(['customers', 'suppliers', 'prospects']))
    .min(1)
    .default(['customers', 'suppliers', 'prospects'])
    .describe('Accounts to include: customers (status C), suppliers, prospects (status P or S).'),
  accountLink: LinkTemplate.default(DEFAULT_ACCOUNT_LINK).describe(
    "Link to the account in Exact; {tld} is the connection's region (nl, be, co.uk …), {ID} the account's GUID, {Division} its division, {Code} its code.",
  ),
  contactLink: LinkTemplate.default(DEFAULT_CONTACT_LINK).describe(
    'Link to the contact in Exact; same placeholders as the account link.',
  ),
});

export type RelationsSettings = z.output<typeof relationsSettings>;

async function runRelationsStream(input: StreamRunInput<RelationsSettings>): Promise<void> {
  const table = RELATION_TABLES.find((candidate) => candidate.name === input.entity);
  if (table === undefined) throw new Error(`The relations replicator has no entity ${input.entity}`);
  const { settings, progress, division } = input;
  const store = new RelationsStore({
    driver: input.destination.driver,
    schema: settings.schema,
    table,
    streamId: input.streamId,
    division,
  });
  const included = new Set<AccountType>(settings.accountTypes);
  let cursor = await store.prepare();
  progress.cursorBefore = cursor;
  progress.cursorAfter = cursor;
  const idField = table.source.idField;
  for await (const change of streamChanges(input.exact, table.source, cursor)) {
    input.signal?.throwIfAborted();
    if (change.kind === 'complete') break;
    const rows: RelationRow[] = [];
    const removed: string[] = [];
    if (change.kind === 'rows') {
      progress.rowsRead += change.rows.length;
      for (const row of change.rows as SyncRow<EntityDef>[]) {
        const values = row as unknown as Record<string, unknown>;
        const id = String(values[idField]);
        if (table.name === 'accounts' && !accountTypes(values).some((type) => included.has(type))) {
          removed.push(id);
          continue;
        }
        const problems: RecordProblem[] = [];
        const context: RowContext = {
          division,
          region: input.region,
          defaultCountry: settings.defaultCountry as RowContext['defaultCountry'],
          accountLink: settings.accountLink,
          contactLink: settings.contactLink,
          problems,
        };
        const columns: Record<string, unknown> = {};
        for (const column of table.columns) columns[column.name] = column.value(values, context);
        rows.push({ id, values: columns, problems, timestamp: String(values.Timestamp) });
      }
    } else {
      removed.push(...change.records.map((record) => record.key));
    }
    const moved = await store.write(rows, removed, cursor, change.cursor);
    progress.rowsWritten += moved.written;
    progress.rowsDeleted += moved.deleted;
    cursor = change.cursor;
    progress.cursorAfter = cursor;
  }
}

/** "Relations replicator" (ROGER365): accounts, contacts and addresses, phones in E.164, links into Exact. */
export const relationsPackage: FlowPackage<typeof relationsSettings> = {
  id: 'relations',
  title: 'Relations replicator',
  description:
    'Copies accounts (with their main contact and addresses) and contacts into Postgres tables, phone numbers normalised to E.164 and a link to each card in Exact; deletes in Exact remove the rows.',
  entities: RELATION_TABLES.map((table) => ({
    name: table.name,
    title: table.source.title,
    byDefault: true,
    webhookTopic: table.source.webhookTopic,
  })),
  settings: relationsSettings,
  tables: (settings, entities) =>
    entities.map((entity) => ({ schema: settings.schema, table: entity, entity })),
  runStream: runRelationsStream,
};
