import type { TableName } from '../catalogue/endpoints.ts';
import { ApiError } from '../odata/api-error.ts';
import { startOfDay } from '../odata/dutch-time.ts';
import type { DivisionStore } from './division-store.ts';
import { roundCents } from './dutch-values.ts';
import { countryNames, glTypeDescriptions } from './dutch-vocabulary.ts';
import { accountCode } from './generators/accounts.ts';
import { fullName } from './generators/contacts.ts';
import { vatPercentage } from './generators/sales-lines.ts';
import type { Row } from './table.ts';

const DAY = 86_400_000;

export type WriteMode = 'create' | 'update';

export interface RuleContext {
  store: DivisionStore;
  /** Simulated now as Dutch wall-clock ms. */
  now: number;
  mode: WriteMode;
  /** Records being created in the same request (a deep-inserted invoice for its lines), by key. */
  pending?: ReadonlyMap<string, Row>;
}

/** A business-rule failure: Exact answers these with HTTP 500 and the message. */
export function validationError(message: string): ApiError {
  return new ApiError(500, 'validation', message);
}

function mandatory(row: Row, field: string, label = field): void {
  const value = row[field];
  if (value === null || value === undefined || (typeof value === 'string' && value.trim() === '')) {
    throw validationError(`Mandatory: ${label}`);
  }
}

function reference(ctx: RuleContext, row: Row, field: string, table: TableName): Row | null {
  const value = row[field];
  if (value === null || value === undefined) return null;
  const pending = typeof value === 'string' ? ctx.pending?.get(value) : undefined;
  if (pending) return pending;
  const target = ctx.store.tables[table];
  const index = target.indexOf(value);
  if (index < 0) throw validationError(`Invalid reference: ${field} (${String(value)})`);
  return target.row(index);
}

function defaults(row: Row, values: Row): void {
  for (const [name, value] of Object.entries(values)) {
    if (row[name] === undefined || row[name] === null) row[name] = value;
  }
}

/** An invoice's or order's accounts: OrderedBy is mandatory, InvoiceTo and DeliverTo default to it. */
function customerAccounts(row: Row, ctx: RuleContext): void {
  mandatory(row, 'OrderedBy');
  reference(ctx, row, 'OrderedBy', 'Account');
  defaults(row, { InvoiceTo: row.OrderedBy, DeliverTo: row.OrderedBy });
  reference(ctx, row, 'InvoiceTo', 'Account');
  reference(ctx, row, 'DeliverTo', 'Account');
}

function unique(ctx: RuleContext, table: TableName, row: Row, field: string, message: string): void {
  const t = ctx.store.tables[table];
  const wanted = String(row[field]).trim().toLowerCase();
  const key = row[t.entity.key];
  for (let i = 0; i < t.size; i++) {
    if (!t.isLive(i)) continue;
    const other = t.row(i);
    if (other[t.entity.key] !== key && String(other[field]).trim().toLowerCase() === wanted) {
      throw validationError(message);
    }
  }
}

/** The largest number `read` finds on a live row of `table`, or `floor` when none is larger. */
function largest(ctx: RuleContext, table: TableName, read: (row: Row) => unknown, floor: number): number {
  const t = ctx.store.tables[table];
  let max = floor;
  for (let i = 0; i < t.size; i++) {
    if (!t.isLive(i)) continue;
    const n = read(t.row(i));
    if (typeof n === 'number' && n > max) max = n;
  }
  return max;
}

function nextAccountCode(ctx: RuleContext): string {
  const codeNumber = (row: Row) => {
    const n = Number(String(row.Code).trim());
    return Number.isInteger(n) ? n : undefined;
  };
  return accountCode(largest(ctx, 'Account', codeNumber, 0) + 1);
}

function nextNumber(ctx: RuleContext, table: TableName, field: string, floor: number): number {
  return largest(ctx, table, (row) => row[field], floor) + 1;
}

function dateOnly(row: Row, ...fields: string[]): void {
  for (const field of fields) {
    const value = row[field];
    if (typeof value === 'number') row[field] = startOfDay(value);
  }
}

const rules: Partial<Record<TableName, (row: Row, ctx: RuleContext) => void>> = {
  Account(row, ctx) {
    mandatory(row, 'Name');
    if (row.Code === undefined || row.Code === null || String(row.Code).trim() === '')
      row.Code = nextAccountCode(ctx);
    unique(ctx, 'Account', row, 'Code', `Code already in use: ${String(row.Code).trim()}`);
    defaults(row, {
      Status: 'C',
      IsSupplier: false,
      Blocked: false,
      Country: 'NL ',
      Language: 'NL        ',
      SalesCurrency: 'EUR',
      Type: 'A',
    });
    if (row.IsSales === undefined || row.IsSales === null) row.IsSales = row.Status === 'C';
    row.CountryName = countryNames[String(row.Country).trim()] ?? null;
    dateOnly(row, 'StartDate', 'EndDate');
  },
  Contact(row, ctx) {
    mandatory(row, 'Account');
    reference(ctx, row, 'Account', 'Account');
    if (!row.FirstName && !row.LastName) throw validationError('Mandatory: LastName');
    defaults(row, { Language: 'NL        ', IsMainContact: false });
    row.FullName = fullName(row.FirstName, row.MiddleName, row.LastName);
    dateOnly(row, 'BirthDate', 'StartDate', 'EndDate');
  },
  Address(row, ctx) {
    if (!row.Warehouse) mandatory(row, 'Account');
    reference(ctx, row, 'Account', 'Account');
    reference(ctx, row, 'Contact', 'Contact');
    mandatory(row, 'Type');
    if (![1, 2, 3, 4].includes(row.Type as number))
      throw validationError(`Invalid value: Type (${String(row.Type)})`);
    defaults(row, { Main: false, Country: 'NL ' });
    row.CountryName = countryNames[String(row.Country).trim()] ?? null;
  },
  Item(row, ctx) {
    mandatory(row, 'Code');
    mandatory(row, 'Description');
    unique(ctx, 'Item', row, 'Code', `Item code already exists: ${String(row.Code)}`);
    defaults(row, {
      Unit: 'pc      ',
      IsSalesItem: true,
      IsPurchaseItem: false,
      IsStockItem: false,
      IsWebshopItem: 0,
      IsSerialItem: false,
      IsBatchItem: 0,
      CostPriceCurrency: 'EUR',
      Stock: 0,
    });
    dateOnly(row, 'StartDate', 'EndDate');
  },
  GLAccount(row, ctx) {
    mandatory(row, 'Code');
    mandatory(row, 'Description');
    unique(ctx, 'GLAccount', row, 'Code', `G/L account code already exists: ${String(row.Code)}`);
    defaults(row, {
      Type: 110,
      IsBlocked: false,
      Matching: false,
      UseCostcenter: 0,
      UseCostunit: 0,
      RevalueCurrency: false,
    });
    defaults(row, { BalanceType: (row.Type as number) >= 110 ? 'W' : 'B', BalanceSide: 'D' });
    row.TypeDescription = glTypeDescriptions[row.Type as number] ?? null;
  },
  SalesInvoice(row, ctx) {
    customerAccounts(row, ctx);
    defaults(row, {
      Type: 8020,
      Journal: '70',
      Currency: 'EUR',
      PaymentCondition: '30',
      Discount: 0,
      AmountDiscount: 0,
    });
    if (![8020, 8021, 8023, 8024].includes(row.Type as number)) {
      throw validationError(`Invalid value: Type (${String(row.Type)})`);
    }
    if ((row.Type === 8023 || row.Type === 8024) && !row.Warehouse)
      throw validationError('Mandatory: Warehouse');
    if (ctx.mode === 'create') {
      const today = startOfDay(ctx.now);
      defaults(row, { InvoiceDate: today, OrderDate: today, Status: 20, StatusDescription: 'Open' });
      row.InvoiceNumber = nextNumber(ctx, 'SalesInvoice', 'InvoiceNumber', 0);
      defaults(row, { OrderNumber: nextNumber(ctx, 'SalesInvoice', 'OrderNumber', 10_000) });
    }
    const days = Number(row.PaymentCondition);
    if (typeof row.InvoiceDate === 'number') {
      defaults(row, { DueDate: (row.InvoiceDate as number) + (Number.isFinite(days) ? days : 30) * DAY });
    }
    dateOnly(row, 'InvoiceDate', 'OrderDate', 'DueDate');
  },
  SalesInvoiceLine(row, ctx) {
    mandatory(row, 'InvoiceID');
    reference(ctx, row, 'InvoiceID', 'SalesInvoice');
    salesLine(row, ctx, 'VATAmountFC');
    row.VATAmountDC = row.VATAmountFC;
    dateOnly(row, 'DeliveryDate');
  },
  SalesOrder(row, ctx) {
    customerAccounts(row, ctx);
    defaults(row, { Currency: 'EUR', PaymentCondition: '30', Discount: 0 });
    if (ctx.mode === 'create') {
      const today = startOfDay(ctx.now);
      defaults(row, {
        OrderDate: today,
        DeliveryDate: today + 7 * DAY,
        Status: 12,
        StatusDescription: 'Open',
        DeliveryStatus: 12,
        InvoiceStatus: 12,
        ApprovalStatus: 1,
      });
      defaults(row, { OrderNumber: nextNumber(ctx, 'SalesOrder', 'OrderNumber', 1000) });
    }
    dateOnly(row, 'OrderDate', 'DeliveryDate');
  },
  SalesOrderLine(row, ctx) {
    mandatory(row, 'OrderID');
    reference(ctx, row, 'OrderID', 'SalesOrder');
    salesLine(row, ctx, 'VATAmount');
    dateOnly(row, 'DeliveryDate');
  },
  TransactionLine(row, ctx) {
    mandatory(row, 'GLAccount');
    reference(ctx, row, 'GLAccount', 'GLAccount');
    reference(ctx, row, 'Account', 'Account');
    mandatory(row, 'Date');
    defaults(row, { Currency: 'EUR', ExchangeRate: 1, Status: 20, Type: 90, AmountDC: 0 });
    defaults(row, { AmountFC: row.AmountDC });
    dateOnly(row, 'Date', 'DueDate');
    const date = new Date(row.Date as number);
    row.FinancialYear = date.getUTCFullYear();
    row.FinancialPeriod = date.getUTCMonth() + 1;
  },
};

/** Shared by invoice and order lines: item defaults, prices, VAT and amounts. */
function salesLine(row: Row, ctx: RuleContext, vatField: string): void {
  mandatory(row, 'Item');
  const item = reference(ctx, row, 'Item', 'Item') as Row;
  defaults(row, {
    Description: item.Description,
    Quantity: 1,
    UnitCode: typeof item.Unit === 'string' ? item.Unit : 'pc      ',
    UnitPrice: item.StandardSalesPrice ?? 0,
    Discount: 0,
    VATCode: item.SalesVatCode ?? '2  ',
    GLAccount: item.GLRevenue ?? null,
  });
  const discount = row.Discount as number;
  row.NetPrice = roundCents((row.UnitPrice as number) * (1 - discount));
  row.AmountFC = roundCents((row.Quantity as number) * (row.UnitPrice as number) * (1 - discount));
  row.AmountDC = row.AmountFC;
  row.VATPercentage = vatPercentage(String(row.VATCode));
  row[vatField] = roundCents((row.AmountFC as number) * (row.VATPercentage as number));
}

/** Applies defaults, derived values and validation for a write to `table`; throws a 500 validation error. */
/** Tables without hand-written rules (generic endpoints) take what the client sent. */
export function applyRules(table: TableName, row: Row, ctx: RuleContext): void {
  rules[table]?.(row, ctx);
}
