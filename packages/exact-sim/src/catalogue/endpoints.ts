import { deletedEntityType } from './deleted-entity-types.ts';
import { fieldHints } from './field-hints.ts';
import type { GeneratedTablePath } from './generated/table-paths.ts';
import { type GeneratedEndpoint, type GeneratedField, generatedEndpoints } from './generated-catalogue.ts';
import type { EntityDef, FieldDef } from './types.ts';

/** The tables with hand-made generators; their generators win over the generic one. */
export type CoreTableName =
  | 'Account'
  | 'Contact'
  | 'Address'
  | 'Item'
  | 'GLAccount'
  | 'SalesInvoice'
  | 'SalesInvoiceLine'
  | 'SalesOrder'
  | 'SalesOrderLine'
  | 'TransactionLine';

/**
 * A stored table of a division. The tables Koppel moves have hand-made generators and short
 * names (`Account`); every other table is named by its endpoint's path.
 */
export type TableName = CoreTableName | Exclude<GeneratedTablePath, (typeof corePaths)[CoreTableName]>;

/** Standard endpoint path of each core table. */
const corePaths = {
  Account: 'crm/Accounts',
  Contact: 'crm/Contacts',
  Address: 'crm/Addresses',
  Item: 'logistics/Items',
  GLAccount: 'financial/GLAccounts',
  SalesInvoice: 'salesinvoice/SalesInvoices',
  SalesInvoiceLine: 'salesinvoice/SalesInvoiceLines',
  SalesOrder: 'salesorder/SalesOrders',
  SalesOrderLine: 'salesorder/SalesOrderLines',
  TransactionLine: 'financialtransaction/TransactionLines',
} as const satisfies Record<CoreTableName, GeneratedTablePath>;

export const coreTableNames = Object.keys(corePaths) as CoreTableName[];

const coreByPath = new Map<string, CoreTableName>(
  coreTableNames.map((name) => [corePaths[name].toLowerCase(), name]),
);

/** The table behind a standard endpoint path. */
function tableOf(path: string): TableName {
  return coreByPath.get(path.toLowerCase()) ?? (path as TableName);
}

export type EndpointKind = 'standard' | 'sync' | 'bulk';
export type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

/** Where an endpoint's rows come from. */
export type EndpointSource =
  | { type: 'table'; table: TableName }
  /** Line-level sync rows: each line joined with its header's columns. */
  | { type: 'lines'; lines: TableName; header: TableName; foreignKey: string; headerOnly: readonly string[] }
  | { type: 'deleted' }
  | { type: 'me' }
  | { type: 'divisions' }
  | { type: 'allDivisions' }
  | { type: 'webhookSubscriptions' };

export interface EndpointDef {
  /** Path after `/api/v1/{division}/`, e.g. `crm/Accounts`. */
  path: string;
  kind: EndpointKind;
  entity: EntityDef;
  source: EndpointSource;
  methods: readonly Method[];
  /** Exact's scope name (the app permission the endpoint needs). */
  scope: string;
}

const generatedByPath = new Map(generatedEndpoints.map((e) => [e.path.toLowerCase(), e]));

function singular(name: string): string {
  if (name.endsWith('ies')) return `${name.slice(0, -3)}y`;
  if (name.endsWith('s')) return name.slice(0, -1);
  return name;
}

/** The child field pointing back at a parent record: the parent's key name, else its singular name. */
function foreignKeyOf(parent: GeneratedEndpoint, childPath: string): string {
  const child = generatedByPath.get(childPath.toLowerCase());
  const names = new Set(child?.fields.map((f) => f.name));
  if (parent.key !== 'ID' && names.has(parent.key)) return parent.key;
  const own = singular(parent.path.split('/').at(-1) ?? '');
  return names.has(own) ? own : parent.key;
}

function fieldOf(
  field: GeneratedField,
  owner: GeneratedEndpoint,
  hints: Record<string, Partial<FieldDef>>,
): FieldDef {
  const def: FieldDef = { name: field.name, type: field.type, methods: field.methods };
  if (field.key && field.name === owner.key) def.key = true;
  if (!field.key && !/[PU]/.test(field.methods)) def.readOnly = true;
  if (field.pad) def.pad = field.pad;
  if (field.nav) def.nav = { entity: tableOf(field.nav), foreignKey: foreignKeyOf(owner, field.nav) };
  return { ...def, ...hints[field.name] };
}

function entityOf(endpoint: GeneratedEndpoint, name: string): EntityDef {
  const hints = fieldHints[endpoint.twinOf ?? endpoint.path] ?? fieldHints[endpoint.path] ?? {};
  return {
    name,
    typeName: endpoint.typeName,
    key: endpoint.key,
    fields: endpoint.fields.map((field) => fieldOf(field, endpoint, hints)),
  };
}

/** The entity of every table: the core ones and one per other standard or standalone endpoint. */
export const tableEntities = {} as Record<TableName, EntityDef>;
/** The standard endpoint of each table: used for `__metadata.uri` and webhook `ExactOnlineEndpoint`. */
export const tableEndpointPath = {} as Record<TableName, string>;
/** Webhook topic per table (§6.2); `null` where Exact has none. */
export const tableTopic = {} as Record<TableName, string | null>;

const specialSources: Record<string, EndpointSource> = {
  'current/me': { type: 'me' },
  'system/divisions': { type: 'divisions' },
  'system/alldivisions': { type: 'allDivisions' },
  'webhooks/webhooksubscriptions': { type: 'webhookSubscriptions' },
  'sync/deleted': { type: 'deleted' },
};

function isTable(endpoint: GeneratedEndpoint): boolean {
  return !endpoint.twinOf && !endpoint.lineLevel && !(endpoint.path.toLowerCase() in specialSources);
}

for (const endpoint of generatedEndpoints) {
  if (!isTable(endpoint)) continue;
  const table = tableOf(endpoint.path);
  tableEntities[table] = entityOf(endpoint, table);
  tableEndpointPath[table] = endpoint.path;
  tableTopic[table] = endpoint.webhookTopic ?? null;
}

/** `sync/Deleted` EntityType codes written when a row of the table is deleted. */
export const tableDeletedTypes = {} as Record<TableName, readonly number[]>;
for (const endpoint of generatedEndpoints) {
  if (isTable(endpoint)) tableDeletedTypes[tableOf(endpoint.path)] = endpoint.deletedEntityTypes ?? [];
}
Object.assign(tableDeletedTypes, {
  // An invoice's sync rows are its lines; deleting an invoice deletes (and logs) each line.
  SalesInvoice: [],
  SalesInvoiceLine: [deletedEntityType.SalesInvoices],
  SalesOrderLine: [deletedEntityType.SalesOrderLines, deletedEntityType.SalesOrders],
});

/** Stored (not looked-up) scalar column names of a table. */
function storedColumns(table: TableName): Set<string> {
  return new Set(
    (tableEntities[table]?.fields ?? []).filter((f) => f.type !== 'nav' && !f.lookup).map((f) => f.name),
  );
}

function sourceOf(endpoint: GeneratedEndpoint, entity: EntityDef): EndpointSource {
  const special = specialSources[endpoint.path.toLowerCase()];
  if (special) return special;
  if (endpoint.lineLevel) {
    const { header, lines, foreignKey } = endpoint.lineLevel;
    const lineColumns = storedColumns(tableOf(lines));
    const headerColumns = storedColumns(tableOf(header));
    const headerOnly = entity.fields
      .map((f) => f.name)
      .filter((name) => headerColumns.has(name) && !lineColumns.has(name));
    return { type: 'lines', lines: tableOf(lines), header: tableOf(header), foreignKey, headerOnly };
  }
  return { type: 'table', table: tableOf(endpoint.twinOf ?? endpoint.path) };
}

function endpointOf(endpoint: GeneratedEndpoint): EndpointDef {
  const entity = isTable(endpoint)
    ? (tableEntities[tableOf(endpoint.path)] as EntityDef)
    : entityOf(endpoint, endpoint.name);
  let methods: readonly Method[] = endpoint.kind === 'standard' ? endpoint.methods : ['GET'];
  // Subscriptions cannot be updated, although the reference lists PUT (§6.1).
  if (endpoint.path === 'webhooks/WebhookSubscriptions') methods = methods.filter((m) => m !== 'PUT');
  return {
    path: endpoint.path,
    kind: endpoint.kind,
    entity,
    source: sourceOf(endpoint, entity),
    methods,
    scope: endpoint.scope,
  };
}

export const endpoints: readonly EndpointDef[] = generatedEndpoints.map(endpointOf);

/** Endpoint path (case-insensitive, as Exact's routing is) → definition. */
export const endpointsByPath: ReadonlyMap<string, EndpointDef> = new Map(
  endpoints.map((endpoint) => [endpoint.path.toLowerCase(), endpoint]),
);
