import type { EntityDef } from './types.ts';

/** `sync/Deleted` (doc page SyncDeleted); keyed by `Timestamp`. */
export const deleted: EntityDef = {
  name: 'Deleted',
  typeName: 'Exact.Web.Api.Models.Sync.Deleted',
  key: 'Timestamp',
  fields: [
    { name: 'Timestamp', type: 'Edm.Int64', key: true },
    { name: 'DeletedBy', type: 'Edm.Guid' },
    { name: 'DeletedDate', type: 'Edm.DateTime' },
    { name: 'Division', type: 'Edm.Int32', readOnly: true },
    { name: 'EntityKey', type: 'Edm.Guid' },
    { name: 'EntityType', type: 'Edm.Int32' },
    { name: 'ID', type: 'Edm.Guid' },
  ],
};

/** `sync/Deleted` `EntityType` codes (PICQER 2025 list) for the entities the simulator has. */
export const deletedEntityType = {
  TransactionLines: 1,
  Accounts: 2,
  Addresses: 3,
  Contacts: 5,
  GLAccounts: 7,
  Items: 9,
  SalesOrders: 12,
  SalesInvoices: 13,
  SalesOrderHeaders: 32,
  SalesOrderLines: 33,
} as const;
