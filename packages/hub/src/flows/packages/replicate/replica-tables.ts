import {
  accounts,
  addresses,
  contacts,
  type EntityDef,
  glAccounts,
  items,
  salesInvoiceSyncRows,
  salesInvoices,
  salesOrders,
  transactionLines,
} from '@koppel/exact';
import type { PackageEntity } from '../../flow-package.ts';
import type { StreamSource } from '../../stream-changes.ts';

/** One replica table: its name, the catalogue entity it mirrors and the field that becomes `id`. */
export interface ReplicaTable extends PackageEntity, StreamSource {
  readonly idField: string;
}

function table(
  name: string,
  title: string,
  entity: EntityDef,
  extra: { idField?: string; deletedAs?: EntityDef } = {},
): ReplicaTable {
  const webhookTopic = entity.webhookTopic ?? extra.deletedAs?.webhookTopic;
  return {
    name,
    title,
    byDefault: true,
    scope: entity.scope,
    endpoint: entity.syncPath ?? entity.bulkPath ?? entity.path,
    entity,
    idField: extra.idField ?? entity.key,
    webhookTopic,
    ...extra,
  };
}

/** The tables of "Replicate to database" (issue 8), each filled from the entity's sync feed. */
export const REPLICA_TABLES: readonly ReplicaTable[] = [
  table('accounts', 'Accounts (customers, suppliers, prospects)', accounts),
  table('contacts', 'Contacts', contacts),
  table('addresses', 'Addresses', addresses),
  table('items', 'Items', items),
  table('gl_accounts', 'G/L accounts', glAccounts),
  table('transaction_lines', 'Financial transaction lines', transactionLines),
  // Exact's sync feed gives one row per invoice line, the header's columns repeated (facts §4).
  table('sales_invoices', 'Sales invoices (one row per line)', salesInvoiceSyncRows, {
    idField: 'ID',
    deletedAs: salesInvoices,
  }),
  table('sales_orders', 'Sales orders', salesOrders),
];
