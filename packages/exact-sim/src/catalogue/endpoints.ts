import { account } from './account.ts';
import { address } from './address.ts';
import { contact } from './contact.ts';
import { deleted, deletedEntityType } from './deleted.ts';
import { allDivision, division } from './division.ts';
import { glAccount } from './gl-account.ts';
import { item } from './item.ts';
import { me } from './me.ts';
import { salesInvoice } from './sales-invoice.ts';
import { salesInvoiceLine } from './sales-invoice-line.ts';
import { salesOrder } from './sales-order.ts';
import { salesOrderLine } from './sales-order-line.ts';
import { syncSalesInvoice } from './sync-sales-invoice.ts';
import { syncSalesOrderLineLevel } from './sync-sales-order.ts';
import { syncTwin } from './sync-twin.ts';
import { transactionLine } from './transaction-line.ts';
import type { EntityDef } from './types.ts';
import { webhookSubscription } from './webhook-subscription.ts';

/** The stored tables of a division (one per writable entity). */
export type TableName =
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

export const tableEntities: Record<TableName, EntityDef> = {
  Account: account,
  Contact: contact,
  Address: address,
  Item: item,
  GLAccount: glAccount,
  SalesInvoice: salesInvoice,
  SalesInvoiceLine: salesInvoiceLine,
  SalesOrder: salesOrder,
  SalesOrderLine: salesOrderLine,
  TransactionLine: transactionLine,
};

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
}

const crud: readonly Method[] = ['GET', 'POST', 'PUT', 'DELETE'];
const readOnly: readonly Method[] = ['GET'];

function standard(path: string, table: TableName, methods: readonly Method[] = crud): EndpointDef {
  return { path, kind: 'standard', entity: tableEntities[table], source: { type: 'table', table }, methods };
}

function sync(path: string, table: TableName, typeName: string): EndpointDef {
  return {
    path,
    kind: 'sync',
    entity: syncTwin(tableEntities[table], typeName),
    source: { type: 'table', table },
    methods: readOnly,
  };
}

function bulk(path: string, table: TableName): EndpointDef {
  return {
    path,
    kind: 'bulk',
    entity: tableEntities[table],
    source: { type: 'table', table },
    methods: readOnly,
  };
}

export const endpoints: readonly EndpointDef[] = [
  { path: 'current/Me', kind: 'standard', entity: me, source: { type: 'me' }, methods: readOnly },
  {
    path: 'system/Divisions',
    kind: 'standard',
    entity: division,
    source: { type: 'divisions' },
    methods: readOnly,
  },
  {
    path: 'system/AllDivisions',
    kind: 'standard',
    entity: allDivision,
    source: { type: 'allDivisions' },
    methods: readOnly,
  },
  {
    path: 'webhooks/WebhookSubscriptions',
    kind: 'standard',
    entity: webhookSubscription,
    source: { type: 'webhookSubscriptions' },
    methods: ['GET', 'POST', 'DELETE'],
  },
  standard('crm/Accounts', 'Account'),
  standard('crm/Contacts', 'Contact'),
  standard('crm/Addresses', 'Address'),
  standard('logistics/Items', 'Item'),
  standard('financial/GLAccounts', 'GLAccount'),
  standard('salesinvoice/SalesInvoices', 'SalesInvoice'),
  standard('salesinvoice/SalesInvoiceLines', 'SalesInvoiceLine'),
  standard('salesorder/SalesOrders', 'SalesOrder'),
  standard('salesorder/SalesOrderLines', 'SalesOrderLine'),
  standard('financialtransaction/TransactionLines', 'TransactionLine', readOnly),
  sync('sync/CRM/Accounts', 'Account', 'Exact.Web.Api.Models.Sync.CRM.Account'),
  sync('sync/CRM/Contacts', 'Contact', 'Exact.Web.Api.Models.Sync.CRM.Contact'),
  sync('sync/CRM/Addresses', 'Address', 'Exact.Web.Api.Models.Sync.CRM.Address'),
  sync('sync/Logistics/Items', 'Item', 'Exact.Web.Api.Models.Sync.Logistics.Item'),
  sync('sync/Financial/GLAccounts', 'GLAccount', 'Exact.Web.Api.Models.Sync.Financial.GLAccount'),
  sync(
    'sync/Financial/TransactionLines',
    'TransactionLine',
    'Exact.Web.Api.Models.Sync.Financial.TransactionLine',
  ),
  sync(
    'sync/SalesOrder/SalesOrderHeaders',
    'SalesOrder',
    'Exact.Web.Api.Models.Sync.SalesOrder.SalesOrderHeader',
  ),
  sync(
    'sync/SalesOrder/SalesOrderLines',
    'SalesOrderLine',
    'Exact.Web.Api.Models.Sync.SalesOrder.SalesOrderLine',
  ),
  {
    path: 'sync/SalesInvoice/SalesInvoices',
    kind: 'sync',
    entity: syncSalesInvoice.entity,
    source: {
      type: 'lines',
      lines: 'SalesInvoiceLine',
      header: 'SalesInvoice',
      foreignKey: 'InvoiceID',
      headerOnly: syncSalesInvoice.headerOnly,
    },
    methods: readOnly,
  },
  {
    path: 'sync/SalesOrder/SalesOrders',
    kind: 'sync',
    entity: syncSalesOrderLineLevel.entity,
    source: {
      type: 'lines',
      lines: 'SalesOrderLine',
      header: 'SalesOrder',
      foreignKey: 'OrderID',
      headerOnly: syncSalesOrderLineLevel.headerOnly,
    },
    methods: readOnly,
  },
  { path: 'sync/Deleted', kind: 'sync', entity: deleted, source: { type: 'deleted' }, methods: readOnly },
  bulk('bulk/CRM/Accounts', 'Account'),
  bulk('bulk/CRM/Contacts', 'Contact'),
  bulk('bulk/CRM/Addresses', 'Address'),
  bulk('bulk/Logistics/Items', 'Item'),
  bulk('bulk/Financial/GLAccounts', 'GLAccount'),
  bulk('bulk/Financial/TransactionLines', 'TransactionLine'),
  bulk('bulk/SalesInvoice/SalesInvoices', 'SalesInvoice'),
  bulk('bulk/SalesInvoice/SalesInvoiceLines', 'SalesInvoiceLine'),
  bulk('bulk/SalesOrder/SalesOrders', 'SalesOrder'),
  bulk('bulk/SalesOrder/SalesOrderLines', 'SalesOrderLine'),
];

/** Endpoint path (case-insensitive, as Exact's routing is) → definition. */
export const endpointsByPath: ReadonlyMap<string, EndpointDef> = new Map(
  endpoints.map((endpoint) => [endpoint.path.toLowerCase(), endpoint]),
);

/** The standard endpoint of each table: used for `__metadata.uri` and webhook `ExactOnlineEndpoint`. */
export const tableEndpointPath: Record<TableName, string> = {
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
};

/** Webhook topic per table (§6.2); `null` where Exact has none. */
export const tableTopic: Record<TableName, string | null> = {
  Account: 'Accounts',
  Contact: 'Contacts',
  Address: null,
  Item: 'Items',
  GLAccount: null,
  SalesInvoice: 'SalesInvoices',
  SalesInvoiceLine: null,
  SalesOrder: 'SalesOrders',
  SalesOrderLine: null,
  TransactionLine: 'FinancialTransactions',
};

/** `sync/Deleted` EntityType codes written when a row of the table is deleted. */
export const tableDeletedTypes: Record<TableName, readonly number[]> = {
  Account: [deletedEntityType.Accounts],
  Contact: [deletedEntityType.Contacts],
  Address: [deletedEntityType.Addresses],
  Item: [deletedEntityType.Items],
  GLAccount: [deletedEntityType.GLAccounts],
  // An invoice's sync rows are its lines; deleting an invoice deletes (and logs) each line.
  SalesInvoice: [],
  SalesInvoiceLine: [deletedEntityType.SalesInvoices],
  SalesOrder: [deletedEntityType.SalesOrderHeaders],
  SalesOrderLine: [deletedEntityType.SalesOrderLines, deletedEntityType.SalesOrders],
  TransactionLine: [deletedEntityType.TransactionLines],
};
