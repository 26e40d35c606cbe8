import { accounts } from './accounts.ts';
import { addresses } from './addresses.ts';
import { contacts } from './contacts.ts';
import { allDivisions, divisions } from './divisions.ts';
import type { EntityDef } from './entity.ts';
import { glAccounts } from './gl-accounts.ts';
import { items } from './items.ts';
import { salesInvoiceLines } from './sales-invoice-lines.ts';
import { salesInvoices } from './sales-invoices.ts';
import { salesOrderLines } from './sales-order-lines.ts';
import { salesOrders } from './sales-orders.ts';
import { transactionLines } from './transaction-lines.ts';
import { webhookSubscriptions } from './webhook-subscriptions.ts';

export { accounts } from './accounts.ts';
export { addresses } from './addresses.ts';
export { contacts } from './contacts.ts';
export { me } from './current-me.ts';
export { deletedRecords } from './deleted.ts';
export { allDivisions, divisions } from './divisions.ts';
export { glAccounts } from './gl-accounts.ts';
export { items } from './items.ts';
export { salesInvoiceLines } from './sales-invoice-lines.ts';
export { salesInvoiceSyncRows } from './sales-invoice-sync-rows.ts';
export { salesInvoices } from './sales-invoices.ts';
export { salesOrderLines } from './sales-order-lines.ts';
export { salesOrders } from './sales-orders.ts';
export { transactionLines } from './transaction-lines.ts';
export { webhookSubscriptions } from './webhook-subscriptions.ts';

/** Every division-scoped business entity, for lookups by path, topic or deleted code. */
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

/** The catalogue entity a `sync/Deleted` `EntityType` code refers to, if catalogued. */
export function entityForDeletedType(code: number): EntityDef | undefined {
  return entities.find((entity) => entity.deletedEntityTypes?.includes(code));
}

/** The catalogue entity of a webhook topic, if catalogued. */
export function entityForTopic(topic: string): EntityDef | undefined {
  return entities.find((entity) => entity.webhookTopic === topic);
}
