// The hand-written layer of the catalogue: what Exact's reference pages (and so
// endpoints.json) cannot say. `generate-catalogue.ts` applies it on top of the metadata, so
// regenerating never loses it. Every fact cites ../shared/exact-online-api.md.

import type { EdmType } from '../../src/catalogue/entity.ts';

/** Edm types a layer field may have (the SDK's, without the `Edm.` prefix). */
export type LayerEdm = Exclude<EdmType, 'Binary'>;

/** A property the metadata lacks: `G` read, `P` post, `U` put (read-only without P and U). */
export interface LayerField {
  readonly name: string;
  readonly type: LayerEdm;
  readonly methods: string;
  readonly key?: true;
}

/** What the layer says about one endpoint, by path after `/api/v1/{division}/`. */
export interface EndpointLayer {
  /** Export name in the SDK, when the camel-cased metadata name is not the established one. */
  readonly exportName?: string;
  /** `EntityDef.name`, when the established one differs from the metadata's. */
  readonly name?: string;
  readonly syncPath?: string;
  readonly bulkPath?: string;
  /** `sync/Deleted` `EntityType` codes (§4.1). */
  readonly deletedEntityTypes?: readonly number[];
  /** Webhook topic (§6.2). */
  readonly webhookTopic?: string;
  /** Exact's `__metadata.type` where recorded (§3.3, §12). */
  readonly typeName?: string;
  /** Fields live Exact returns that the metadata snapshot lacks (§7, §6.1, §12). */
  readonly newerFields?: readonly LayerField[];
}

/** Fixed-width character columns: Exact keeps the padding in output (§3.4, §12). */
export interface Padding {
  readonly width: number;
  readonly align: 'left' | 'right';
}

/** Account codes are 18 characters, right-aligned (§3.5, §12). */
export const ACCOUNT_CODE: Padding = { width: 18, align: 'right' };

/**
 * Padded columns by property name, on every endpoint: `Country`/`Legislation` 3 ('NL '),
 * VAT codes 3 ('VB '), `Language` 10, units 8 (§3.4, §12). Codes that are plain digit
 * strings (journals, payment conditions, G/L codes) are not padded (§12).
 */
export const PADDED_BY_NAME: Readonly<Record<string, Padding>> = {
  Country: { width: 3, align: 'left' },
  Legislation: { width: 3, align: 'left' },
  VATCode: { width: 3, align: 'left' },
  SalesVATCode: { width: 3, align: 'left' },
  PurchaseVATCode: { width: 3, align: 'left' },
  SalesVatCode: { width: 3, align: 'left' },
  PurchaseVatCode: { width: 3, align: 'left' },
  Language: { width: 10, align: 'left' },
  Unit: { width: 8, align: 'left' },
  UnitCode: { width: 8, align: 'left' },
  AccountCode: ACCOUNT_CODE,
  CustomerCode: ACCOUNT_CODE,
};

/**
 * Padded columns whose name alone does not say so: account codes (§3.5) and the VAT code
 * table's own codes (3 characters like every VAT code, §12).
 */
export const PADDED_BY_ENDPOINT: Readonly<Record<string, Readonly<Record<string, Padding>>>> = {
  'crm/Accounts': { Code: ACCOUNT_CODE },
  'crm/Contacts': { Code: ACCOUNT_CODE },
  'vat/VATCodes': { Code: { width: 3, align: 'left' } },
};

export const ENDPOINT_LAYER: Readonly<Record<string, EndpointLayer>> = {
  'crm/Accounts': {
    syncPath: 'sync/CRM/Accounts',
    bulkPath: 'bulk/CRM/Accounts',
    deletedEntityTypes: [2],
    webhookTopic: 'Accounts',
    typeName: 'Exact.Web.Api.Models.Account',
    // §12 / exact-metadata README: newer than the reference snapshot; types UNCONFIRMED.
    newerFields: [
      { name: 'PeppolIdentifier', type: 'String', methods: 'GPU' },
      { name: 'AddressSource', type: 'Int32', methods: 'G' },
    ],
  },
  'crm/Contacts': {
    syncPath: 'sync/CRM/Contacts',
    bulkPath: 'bulk/CRM/Contacts',
    deletedEntityTypes: [5],
    webhookTopic: 'Contacts',
    typeName: 'Exact.Web.Api.Models.Contact',
  },
  'crm/Addresses': {
    syncPath: 'sync/CRM/Addresses',
    bulkPath: 'bulk/CRM/Addresses',
    deletedEntityTypes: [3],
    typeName: 'Exact.Web.Api.Models.Address',
  },
  'logistics/Items': {
    syncPath: 'sync/Logistics/Items',
    bulkPath: 'bulk/Logistics/Items',
    deletedEntityTypes: [9],
    webhookTopic: 'Items',
    typeName: 'Exact.Web.Api.Models.Item',
  },
  'financial/GLAccounts': {
    syncPath: 'sync/Financial/GLAccounts',
    bulkPath: 'bulk/Financial/GLAccounts',
    deletedEntityTypes: [7],
    typeName: 'Exact.Web.Api.Models.GLAccount',
  },
  'financialtransaction/TransactionLines': {
    syncPath: 'sync/Financial/TransactionLines',
    bulkPath: 'bulk/Financial/TransactionLines',
    deletedEntityTypes: [1],
    webhookTopic: 'FinancialTransactions',
    typeName: 'Exact.Web.Api.Models.Financial.TransactionLine',
  },
  'salesinvoice/SalesInvoices': {
    // The sync endpoint is line-level (§4): catalogued on its own as `salesInvoiceSyncRows`.
    bulkPath: 'bulk/SalesInvoice/SalesInvoices',
    deletedEntityTypes: [13],
    webhookTopic: 'SalesInvoices',
    typeName: 'Exact.Web.Api.Models.SalesInvoice',
  },
  'salesinvoice/SalesInvoiceLines': {
    bulkPath: 'bulk/SalesInvoice/SalesInvoiceLines',
    typeName: 'Exact.Web.Api.Models.SalesInvoiceLine',
  },
  'salesorder/SalesOrders': {
    syncPath: 'sync/SalesOrder/SalesOrderHeaders',
    bulkPath: 'bulk/SalesOrder/SalesOrders',
    deletedEntityTypes: [32, 12],
    webhookTopic: 'SalesOrders',
    typeName: 'Exact.Web.Api.Models.SalesOrder',
  },
  'salesorder/SalesOrderLines': {
    syncPath: 'sync/SalesOrder/SalesOrderLines',
    bulkPath: 'bulk/SalesOrder/SalesOrderLines',
    deletedEntityTypes: [33],
    typeName: 'Exact.Web.Api.Models.SalesOrderLine',
  },
  'documents/Documents': {
    syncPath: 'sync/Documents/Documents',
    bulkPath: 'bulk/Documents/Documents',
    deletedEntityTypes: [6],
    webhookTopic: 'Documents',
  },
  'documents/DocumentAttachments': {
    syncPath: 'sync/Documents/DocumentAttachments',
    bulkPath: 'bulk/Documents/DocumentAttachments',
    deletedEntityTypes: [4],
  },
  'purchaseentry/PurchaseEntries': { webhookTopic: 'PurchaseEntries' },
  'project/Projects': { syncPath: 'sync/Project/Projects', deletedEntityTypes: [21] },
  'project/ProjectPlanning': { syncPath: 'sync/Project/ProjectPlanning', deletedEntityTypes: [26] },
  'subscription/Subscriptions': {
    syncPath: 'sync/Subscription/Subscriptions',
    deletedEntityTypes: [23],
    webhookTopic: 'Subscriptions',
  },
  'subscription/SubscriptionLines': {
    syncPath: 'sync/Subscription/SubscriptionLines',
    deletedEntityTypes: [24],
  },
  'purchaseorder/PurchaseOrders': {
    syncPath: 'sync/PurchaseOrder/PurchaseOrders',
    deletedEntityTypes: [22],
    webhookTopic: 'PurchaseOrders',
  },
  'inventory/ItemWarehouses': { syncPath: 'sync/Inventory/ItemWarehouses', deletedEntityTypes: [19] },
  'salesorder/GoodsDeliveries': {
    syncPath: 'sync/SalesOrder/GoodsDeliveries',
    bulkPath: 'bulk/SalesOrder/GoodsDeliveries',
    deletedEntityTypes: [16],
    webhookTopic: 'GoodsDeliveries',
  },
  'salesorder/GoodsDeliveryLines': {
    syncPath: 'sync/SalesOrder/GoodsDeliveryLines',
    bulkPath: 'bulk/SalesOrder/GoodsDeliveryLines',
    deletedEntityTypes: [17],
  },
  'financial/GLClassifications': {
    syncPath: 'sync/Financial/GLClassifications',
    bulkPath: 'bulk/Financial/GLClassifications',
    deletedEntityTypes: [18],
  },
  'crm/Quotations': {
    syncPath: 'sync/CRM/Quotations',
    bulkPath: 'bulk/CRM/Quotations',
    webhookTopic: 'Quotations',
  },
  // §4.1: sync endpoints without a standard twin in the reference, deleted under their own codes.
  'sync/Cashflow/PaymentTerms': { deletedEntityTypes: [10] },
  'sync/Inventory/StockPositions': { deletedEntityTypes: [15] },
  'sync/Inventory/StorageLocationStockPositions': { deletedEntityTypes: [20] },
  // 8 is "ItemPrices" in the 2025 list, "SalesItemPrices" in the older ones.
  'sync/Logistics/SalesItemPrices': { deletedEntityTypes: [8] },
  'sync/Project/ProjectWBS': { deletedEntityTypes: [25] },
  'sync/Project/TimeCostTransactions': { deletedEntityTypes: [14] },
  'webhooks/WebhookSubscriptions': {
    typeName: 'Exact.Web.Api.Models.Webhooks.WebhookSubscription',
    // §6.1: newer than the 2022 reference.
    newerFields: [
      { name: 'UserID', type: 'Guid', methods: 'G' },
      { name: 'IsInstant', type: 'Boolean', methods: 'GP' },
    ],
  },
  'system/Divisions': { typeName: 'Exact.Web.Api.Models.System.Division' },
  'system/AllDivisions': { typeName: 'Exact.Web.Api.Models.System.AllDivision' },
  'current/Me': {
    exportName: 'me',
    typeName: 'Exact.Web.Api.Models.System.Me',
    // §7: PICQER's 2025 Me.php and NANGO-FIX (`PackageCode` "EOLAPPCENTER").
    newerFields: [
      { name: 'PackageCode', type: 'String', methods: 'G' },
      { name: 'IsEmployeeSelfServiceUser', type: 'Boolean', methods: 'G' },
      { name: 'IsStarterUser', type: 'Boolean', methods: 'G' },
      { name: 'IsOEIMigrationMandatory', type: 'Boolean', methods: 'G' },
    ],
  },
  'sync/Deleted': { exportName: 'deletedRecords', typeName: 'Exact.Web.Api.Models.Sync.Deleted' },
  'sync/SalesInvoice/SalesInvoices': {
    exportName: 'salesInvoiceSyncRows',
    name: 'SyncSalesInvoices',
    typeName: 'Exact.Web.Api.Models.Sync.SalesInvoice.SalesInvoice',
  },
  'sync/SalesOrder/SalesOrders': {
    exportName: 'salesOrderSyncRows',
    name: 'SyncSalesOrders',
    // §4.1: 12 SalesOrders (deprecated, like this line-level endpoint).
    deletedEntityTypes: [12],
    typeName: 'Exact.Web.Api.Models.Sync.SalesOrder.SalesOrder',
  },
};

/**
 * Line-level sync endpoints: one row per line with the header's columns repeated (§4).
 * The simulator joins the two tables; the field list is the reference page's.
 */
export const LINE_LEVEL_SYNC: Readonly<
  Record<string, { readonly header: string; readonly lines: string; readonly foreignKey: string }>
> = {
  'sync/SalesInvoice/SalesInvoices': {
    header: 'salesinvoice/SalesInvoices',
    lines: 'salesinvoice/SalesInvoiceLines',
    foreignKey: 'InvoiceID',
  },
  'sync/SalesOrder/SalesOrders': {
    header: 'salesorder/SalesOrders',
    lines: 'salesorder/SalesOrderLines',
    foreignKey: 'OrderID',
  },
};

/**
 * Endpoints Exact still serves that the reference snapshot no longer lists. The field list
 * of `financialtransaction/Transactions` (deprecated 2019, §5) is its reference page's.
 */
export const EXTRA_ENDPOINTS: readonly {
  readonly path: string;
  readonly name: string;
  readonly scope: string;
  readonly methods: readonly ('GET' | 'POST' | 'PUT' | 'DELETE')[];
  readonly fields: readonly LayerField[];
}[] = [
  {
    path: 'financialtransaction/Transactions',
    name: 'Transactions',
    scope: 'Financial accounting',
    methods: ['GET'],
    fields: [
      { name: 'EntryID', type: 'Guid', methods: 'G', key: true },
      { name: 'ClosingBalanceFC', type: 'Double', methods: 'G' },
      { name: 'Created', type: 'DateTime', methods: 'G' },
      { name: 'Date', type: 'DateTime', methods: 'G' },
      { name: 'Description', type: 'String', methods: 'G' },
      { name: 'Division', type: 'Int32', methods: 'G' },
      { name: 'Document', type: 'Guid', methods: 'G' },
      { name: 'DocumentNumber', type: 'Int32', methods: 'G' },
      { name: 'DocumentSubject', type: 'String', methods: 'G' },
      { name: 'EntryNumber', type: 'Int32', methods: 'G' },
      { name: 'ExternalLinkDescription', type: 'String', methods: 'G' },
      { name: 'ExternalLinkReference', type: 'String', methods: 'G' },
      { name: 'FinancialPeriod', type: 'Int16', methods: 'G' },
      { name: 'FinancialYear', type: 'Int16', methods: 'G' },
      { name: 'IsExtraDuty', type: 'Boolean', methods: 'G' },
      { name: 'JournalCode', type: 'String', methods: 'G' },
      { name: 'JournalDescription', type: 'String', methods: 'G' },
      { name: 'Modified', type: 'DateTime', methods: 'G' },
      { name: 'OpeningBalanceFC', type: 'Double', methods: 'G' },
      { name: 'PaymentConditionCode', type: 'String', methods: 'G' },
      { name: 'PaymentConditionDescription', type: 'String', methods: 'G' },
      { name: 'PaymentReference', type: 'String', methods: 'G' },
      { name: 'Status', type: 'Int16', methods: 'G' },
      { name: 'StatusDescription', type: 'String', methods: 'G' },
      { name: 'Type', type: 'Int32', methods: 'G' },
      { name: 'TypeDescription', type: 'String', methods: 'G' },
    ],
  },
];
