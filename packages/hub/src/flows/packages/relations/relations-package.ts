import path from 'node:path';
import type { EntityDef, SyncRow } from '@koppel/exact';
import { z } from 'zod';
import type { FlowPackage, StreamRunInput } from '../../flow-package.ts';
import { schemaSetting } from '../../schema-setting.ts';
import { streamChanges } from '../../stream-changes.ts';
import { DEFAULT_ACCOUNT_LINK, DEFAULT_CONTACT_LINK } from './deep-links.ts';
import { isCountryCode, type RecordProblem } from './phone-numbers.ts';
import {
  type AccountType,
  accountTypes,
  RELATION_TABLES,
  type RelationTable,
  type RowContext,
} from './relation-tables.ts';
import { RelationsFiles } from './relations-files.ts';
import type { RelationRow, RelationsSink, RemovedRecord } from './relations-sink.ts';
import { RelationsStore } from './relations-store.ts';
import { RelationsWebhook } from './relations-webhook.ts';

const LinkTemplate = z
  .string()
  .max(1_000)
  .refine((value) => value.includes('{ID}'), 'must contain {ID}');

export const relationsSettings = z
  .object({
    output: z
      .enum(['table', 'webhook', 'files'])
      .default('table')
      .describe(
        "Where the records go: Postgres tables in the flow's database, a webhook (signed JSON POSTs like the change feed's) or files (JSON Lines or CSV). Deletes in Exact reach each.",
      ),
    schema: schemaSetting(
      'relations',
      "Postgres schema holding the accounts, contacts and addresses tables and the account_overview view (for a webhook or files: only the streams' cursors).",
    ),
    webhookUrl: z
      .url({ protocol: /^https?$/ })
      .optional()
      .describe('Output "webhook": where the batches are POSTed (https in production).'),
    signingSecret: z
      .string()
      .min(24, 'at least 24 characters')
      .max(500)
      .optional()
      .describe(
        'Output "webhook": shared secret for the Koppel-Signature header (HMAC-SHA256 over "<timestamp>.<body>"); see docs/change-feed.md.',
      ),
    batchSize: z
      .number()
      .int()
      .min(1)
      .max(1_000)
      .default(100)
      .describe('Output "webhook": records per POST, at most.'),
    timeoutSeconds: z
      .number()
      .min(1)
      .max(120)
      .default(30)
      .describe('Output "webhook": how long to wait for the receiver to answer.'),
    directory: z
      .string()
      .refine((value) => path.isAbsolute(value), 'an absolute path')
      .optional()
      .describe('Output "files": directory the files are written to: <directory>/<entity>/division=<code>/.'),
    fileFormat: z
      .enum(['jsonl', 'csv'])
      .default('jsonl')
      .describe('Output "files": JSON Lines, or CSV with a header line.'),
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
  })
  .superRefine((settings, context) => {
    const need = (field: 'webhookUrl' | 'signingSecret' | 'directory') => {
      if (settings[field] === undefined) {
        context.addIssue({
          code: 'custom',
          path: [field],
          message: `is required for output "${settings.output}"`,
        });
      }
    };
    if (settings.output === 'webhook') {
      need('webhookUrl');
      need('signingSecret');
    }
    if (settings.output === 'files') need('directory');
  });

export type RelationsSettings = z.output<typeof relationsSettings>;

async function runRelationsStream(input: StreamRunInput<RelationsSettings>): Promise<void> {
  const table = RELATION_TABLES.find((candidate) => candidate.name === input.entity);
  if (table === undefined) throw new Error(`The relations replicator has no entity ${input.entity}`);
  const { settings, progress, division } = input;
  const store = openSink(input, table);
  const included = new Set<AccountType>(settings.accountTypes);
  let cursor = await store.prepare();
  progress.cursorBefore = cursor;
  progress.cursorAfter = cursor;
  const idField = table.source.idField;
  for await (const change of streamChanges(input.exact, table.source, cursor)) {
    input.signal?.throwIfAborted();
    if (change.kind === 'complete') break;
    const rows: RelationRow[] = [];
    const removed: RemovedRecord[] = [];
    if (change.kind === 'rows') {
      progress.rowsRead += change.rows.length;
      for (const row of change.rows as SyncRow<EntityDef>[]) {
        const values = row as unknown as Record<string, unknown>;
        const id = String(values[idField]);
        if (table.name === 'accounts' && !accountTypes(values).some((type) => included.has(type))) {
          removed.push({ id, version: String(values.Timestamp) });
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
      removed.push(
        ...change.records.map((record) => ({ id: record.key, version: record.timestamp.toString() })),
      );
    }
    const moved = await store.write(rows, removed, cursor, change.cursor);
    progress.rowsWritten += moved.written;
    progress.rowsDeleted += moved.deleted;
    cursor = change.cursor;
    progress.cursorAfter = cursor;
  }
  await store.finish();
}

/** The destination the settings choose for one stream. */
function openSink(input: StreamRunInput<RelationsSettings>, table: RelationTable): RelationsSink {
  const { settings, division, streamId } = input;
  if (settings.output === 'webhook') {
    return new RelationsWebhook({
      driver: input.destination.driver,
      schema: settings.schema,
      streamId,
      entity: table.name,
      division,
      endpoint: {
        url: settings.webhookUrl as string,
        secret: settings.signingSecret as string,
        timeoutMs: settings.timeoutSeconds * 1000,
      },
      batchSize: settings.batchSize,
      signal: input.signal,
    });
  }
  if (settings.output === 'files') {
    return new RelationsFiles({
      directory: settings.directory as string,
      format: settings.fileFormat,
      table,
      division,
    });
  }
  return new RelationsStore({
    driver: input.destination.driver,
    schema: settings.schema,
    table,
    streamId,
    division,
  });
}

/** "Relations replicator" (ROGER365): accounts, contacts and addresses, phones in E.164, links into Exact. */
export const relationsPackage: FlowPackage<typeof relationsSettings> = {
  id: 'relations',
  title: 'Relations replicator',
  description:
    'Copies accounts (with their main contact and addresses) and contacts into Postgres tables, a signed webhook or files, phone numbers normalised to E.164 and a link to each card in Exact; deletes in Exact reach each.',
  entities: RELATION_TABLES.map((table) => ({
    name: table.name,
    title: table.source.title,
    byDefault: true,
    webhookTopic: table.source.webhookTopic,
  })),
  settings: relationsSettings,
  secretSettings: ['signingSecret'],
  tables: (settings, entities) =>
    settings.output === 'table'
      ? entities.map((entity) => ({ schema: settings.schema, table: entity, entity }))
      : [],
  runStream: runRelationsStream,
};
