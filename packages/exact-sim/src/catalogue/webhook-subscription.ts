import type { EntityDef } from './types.ts';

/** `webhooks/WebhookSubscriptions` (doc page WebhooksWebhookSubscriptions). */
export const webhookSubscription: EntityDef = {
  name: 'WebhookSubscription',
  typeName: 'Exact.Web.Api.Models.Webhooks.WebhookSubscription',
  key: 'ID',
  fields: [
    { name: 'ID', type: 'Edm.Guid', key: true },
    { name: 'CallbackURL', type: 'Edm.String' },
    { name: 'ClientID', type: 'Edm.Guid', readOnly: true },
    { name: 'Created', type: 'Edm.DateTime', readOnly: true },
    { name: 'Creator', type: 'Edm.Guid', readOnly: true },
    { name: 'CreatorFullName', type: 'Edm.String', readOnly: true },
    { name: 'Description', type: 'Edm.String', readOnly: true },
    { name: 'Division', type: 'Edm.Int32', readOnly: true },
    { name: 'Topic', type: 'Edm.String' },
  ],
};

/** Topics seen in the sources (§6.2); a subscription to anything else is refused. */
export const webhookTopics: readonly string[] = [
  'Accounts',
  'BankAccounts',
  'BankEntries',
  'CashEntries',
  'Contacts',
  'CostTransactions',
  'Documents',
  'FinancialTransactions',
  'GeneralJournalEntries',
  'GoodsDeliveries',
  'Items',
  'PurchaseEntries',
  'PurchaseOrders',
  'Quotations',
  'SalesEntries',
  'SalesInvoices',
  'SalesItemPrices',
  'SalesOrders',
  'StockPositions',
  'Subscriptions',
  'TimeTransactions',
];
