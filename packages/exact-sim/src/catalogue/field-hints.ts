// What the simulator adds to the generated field lists: date-only columns (always midnight)
// and columns Exact derives at read time from a referenced record. Keyed by the standard
// endpoint; its sync and bulk twins share the hints.

import type { FieldDef } from './types.ts';

type Hint = Pick<FieldDef, 'dateOnly' | 'lookup'>;

const dateOnly: Hint = { dateOnly: true };
const lookup = (via: string, entity: string, field: string): Hint => ({ lookup: { via, entity, field } });
const itemLookups = {
  ItemCode: lookup('Item', 'Item', 'Code'),
  ItemDescription: lookup('Item', 'Item', 'Description'),
};

export const fieldHints: Readonly<Record<string, Readonly<Record<string, Hint>>>> = {
  'crm/Accounts': { StartDate: dateOnly, EndDate: dateOnly },
  'crm/Contacts': {
    AccountName: lookup('Account', 'Account', 'Name'),
    BirthDate: dateOnly,
    StartDate: dateOnly,
    EndDate: dateOnly,
    Code: lookup('Account', 'Account', 'Code'),
    City: lookup('Account', 'Account', 'City'),
    Country: lookup('Account', 'Account', 'Country'),
  },
  'crm/Addresses': {
    AccountName: lookup('Account', 'Account', 'Name'),
    ContactName: lookup('Contact', 'Contact', 'FullName'),
  },
  'logistics/Items': { StartDate: dateOnly, EndDate: dateOnly },
  'system/Divisions': { StartDate: dateOnly },
  'system/AllDivisions': { StartDate: dateOnly },
  'salesinvoice/SalesInvoices': {
    InvoiceDate: dateOnly,
    OrderDate: dateOnly,
    DueDate: dateOnly,
    InvoiceToName: lookup('InvoiceTo', 'Account', 'Name'),
    OrderedByName: lookup('OrderedBy', 'Account', 'Name'),
    DeliverToName: lookup('DeliverTo', 'Account', 'Name'),
  },
  'salesinvoice/SalesInvoiceLines': { ...itemLookups, DeliveryDate: dateOnly },
  'salesorder/SalesOrders': {
    OrderDate: dateOnly,
    DeliveryDate: dateOnly,
    OrderedByName: lookup('OrderedBy', 'Account', 'Name'),
    InvoiceToName: lookup('InvoiceTo', 'Account', 'Name'),
    DeliverToName: lookup('DeliverTo', 'Account', 'Name'),
  },
  'salesorder/SalesOrderLines': {
    ...itemLookups,
    OrderNumber: lookup('OrderID', 'SalesOrder', 'OrderNumber'),
    DeliveryDate: dateOnly,
  },
  'financialtransaction/TransactionLines': {
    Date: dateOnly,
    DueDate: dateOnly,
    GLAccountCode: lookup('GLAccount', 'GLAccount', 'Code'),
    GLAccountDescription: lookup('GLAccount', 'GLAccount', 'Description'),
    AccountCode: lookup('Account', 'Account', 'Code'),
    AccountName: lookup('Account', 'Account', 'Name'),
  },
  'sync/SalesInvoice/SalesInvoices': {
    ...itemLookups,
    DeliverToName: lookup('DeliverTo', 'Account', 'Name'),
    GLAccountDescription: lookup('GLAccount', 'GLAccount', 'Description'),
    InvoiceToName: lookup('InvoiceTo', 'Account', 'Name'),
    OrderedByName: lookup('OrderedBy', 'Account', 'Name'),
  },
  'sync/SalesOrder/SalesOrders': {
    ...itemLookups,
    OrderedByName: lookup('OrderedBy', 'Account', 'Name'),
    InvoiceToName: lookup('InvoiceTo', 'Account', 'Name'),
    DeliverToName: lookup('DeliverTo', 'Account', 'Name'),
  },
};
