import { auditFields } from './audit-fields.ts';
import { defineEntity } from './entity.ts';
import { salesInvoiceLines } from './sales-invoice-lines.ts';

/**
 * Sales invoice headers; key `InvoiceID`. Fields: facts §9 `salesinvoice/SalesInvoices`.
 * No `syncPath`: `sync/SalesInvoice/SalesInvoices` returns one row per line (facts §4), a
 * different shape than this entity; it is catalogued as `salesInvoiceSyncRows`.
 */
export const salesInvoices = defineEntity({
  name: 'SalesInvoices',
  path: 'salesinvoice/SalesInvoices',
  bulkPath: 'bulk/SalesInvoice/SalesInvoices',
  key: 'InvoiceID',
  divisionScoped: true,
  methods: ['GET', 'POST', 'PUT', 'DELETE'],
  deletedEntityTypes: [13],
  webhookTopic: 'SalesInvoices',
  fields: {
    InvoiceID: 'Guid',
    InvoiceNumber: 'Int32 ro',
    InvoiceDate: 'DateTime ro',
    OrderDate: 'DateTime',
    DueDate: 'DateTime',
    Type: 'Int32',
    Status: 'Int16 ro',
    StatusDescription: 'String ro',
    Journal: 'String pad',
    Currency: 'String pad',
    InvoiceTo: 'Guid',
    InvoiceToName: 'String ro',
    OrderedBy: 'Guid',
    OrderedByName: 'String ro',
    DeliverTo: 'Guid',
    OrderNumber: 'Int32',
    YourRef: 'String',
    Description: 'String',
    PaymentCondition: 'String pad',
    PaymentReference: 'String',
    AmountDC: 'Double ro',
    AmountFC: 'Double ro',
    AmountFCExclVat: 'Double ro',
    VATAmountDC: 'Double ro',
    VATAmountFC: 'Double ro',
    Discount: 'Double',
    AmountDiscount: 'Double',
    Remarks: 'String',
    Salesperson: 'Guid',
    Warehouse: 'Guid',
    Document: 'Guid',
    SalesInvoiceLines: { nav: salesInvoiceLines },
    ...auditFields,
  },
} as const);
