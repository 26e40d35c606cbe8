// The core entities Koppel moves, exported from the package root. Every other endpoint is
// one module under ./generated/ (`@koppel/exact/catalogue/<module>`), listed in
// `catalogueIndex` and loadable by path with `loadEntity`, so importing the root does not
// load all of them.
import type { EntityDef } from './entity.ts';
import { accounts } from './generated/crm-accounts.ts';
import { addresses } from './generated/crm-addresses.ts';
import { contacts } from './generated/crm-contacts.ts';
import { glAccounts } from './generated/financial-gl-accounts.ts';
import { transactionLines } from './generated/financialtransaction-transaction-lines.ts';
import { items } from './generated/logistics-items.ts';
import { salesInvoiceLines } from './generated/salesinvoice-sales-invoice-lines.ts';
import { salesInvoices } from './generated/salesinvoice-sales-invoices.ts';
import { salesOrderLines } from './generated/salesorder-sales-order-lines.ts';
import { salesOrders } from './generated/salesorder-sales-orders.ts';
import { allDivisions } from './generated/system-all-divisions.ts';
import { divisions } from './generated/system-divisions.ts';
import { webhookSubscriptions } from './generated/webhooks-webhook-subscriptions.ts';

export { accounts } from './generated/crm-accounts.ts';
export { addresses } from './generated/crm-addresses.ts';
export { contacts } from './generated/crm-contacts.ts';
export { me } from './generated/current-me.ts';
export { type CatalogueEntry, catalogueIndex } from './generated/endpoint-index.ts';
export { glAccounts } from './generated/financial-gl-accounts.ts';
export { transactionLines } from './generated/financialtransaction-transaction-lines.ts';
export { items } from './generated/logistics-items.ts';
export { salesInvoiceLines } from './generated/salesinvoice-sales-invoice-lines.ts';
export { salesInvoices } from './generated/salesinvoice-sales-invoices.ts';
export { salesOrderLines } from './generated/salesorder-sales-order-lines.ts';
export { salesOrders } from './generated/salesorder-sales-orders.ts';
export { deletedRecords } from './generated/sync-deleted.ts';
export { salesInvoiceSyncRows } from './generated/sync-sales-invoice-sales-invoices.ts';
export { allDivisions } from './generated/system-all-divisions.ts';
export { divisions } from './generated/system-divisions.ts';
export { webhookSubscriptions } from './generated/webhooks-webhook-subscriptions.ts';
export { loadEntity } from './load-entity.ts';

/** The division-scoped business entities Koppel moves, for lookups by path, topic or deleted code. */
export const entities: readonly EntityDef[] = [
  accounts,
  contacts,
  addresses,
  items,
  glAccounts,
  transactionLines,
  salesInvoices,
  salesInvoiceLines,
  salesOrders,
  salesOrderLines,
  webhookSubscriptions,
  divisions,
  allDivisions,
];

/** The core entity a `sync/Deleted` `EntityType` code refers to, if it is one. */
export function entityForDeletedType(code: number): EntityDef | undefined {
  return entities.find((entity) => entity.deletedEntityTypes?.includes(code));
}

/** The core entity of a webhook topic, if it is one. */
export function entityForTopic(topic: string): EntityDef | undefined {
  return entities.find((entity) => entity.webhookTopic === topic);
}
