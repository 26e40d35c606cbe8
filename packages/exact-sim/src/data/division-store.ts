import {
  type CoreTableName,
  coreTableNames,
  endpointsByPath,
  type TableName,
  tableEntities,
} from '../catalogue/endpoints.ts';
import type { LookupDef } from '../catalogue/types.ts';
import type { DivisionInfo } from '../contract.ts';
import type { GenerationContext } from './generation-context.ts';
import { tableSalt } from './generation-context.ts';
import { accountGenerator } from './generators/accounts.ts';
import { addressGenerator } from './generators/addresses.ts';
import { contactGenerator } from './generators/contacts.ts';
import { glAccountGenerator } from './generators/gl-accounts.ts';
import { itemGroupGenerator } from './generators/item-groups.ts';
import { itemGenerator } from './generators/items.ts';
import { journalGenerator } from './generators/journals.ts';
import { LineLayout } from './generators/line-layout.ts';
import { salesInvoiceGenerator, salesInvoiceLineGenerator } from './generators/sales-invoices.ts';
import { salesOrderGenerator, salesOrderLineGenerator } from './generators/sales-orders.ts';
import { transactionEntryGenerator, transactionLineGenerator } from './generators/transaction-lines.ts';
import { vatCodeGenerator } from './generators/vat-codes.ts';
import type { GenericScope, ReferenceTarget, ValueMaker } from './generic/field-values.ts';
import {
  completedGenerator,
  fieldMakers,
  GENERIC_ROWS,
  genericGenerator,
  genericSalt,
} from './generic/generic-table.ts';
import { type Row, type RowGenerator, Table } from './table.ts';

/** Hand-made generators of tables outside the core: they win; the generic one completes them. */
const dedicatedGenerators: Partial<Record<TableName, (ctx: GenerationContext) => RowGenerator>> = {
  'logistics/ItemGroups': itemGroupGenerator,
  'financial/Journals': journalGenerator,
  'vat/VATCodes': vatCodeGenerator,
  'financialtransaction/Transactions': transactionEntryGenerator,
};

function pluralOf(name: string): string[] {
  return name.endsWith('y') ? [`${name.slice(0, -1)}ies`] : [`${name}s`, `${name}es`];
}

/**
 * Guid columns of each generic table that point at another generic table: a parent's
 * navigation foreign key, or a column named after a table (`Document` → `documents/Documents`,
 * the same service first).
 */
const referencedTables = new Map<TableName, Map<string, TableName>>();
{
  const generic = (Object.keys(tableEntities) as TableName[]).filter(
    (name) => !(coreTableNames as readonly string[]).includes(name),
  );
  const byLastSegment = new Map<string, TableName[]>();
  for (const name of generic) {
    const last = name.split('/').at(-1)?.toLowerCase() ?? name;
    byLastSegment.set(last, [...(byLastSegment.get(last) ?? []), name]);
  }
  const add = (child: TableName, field: string, parent: TableName) => {
    const map = referencedTables.get(child) ?? new Map<string, TableName>();
    map.set(field, parent);
    referencedTables.set(child, map);
  };
  for (const name of generic) {
    const entity = tableEntities[name];
    const service = name.split('/').slice(0, -1).join('/');
    for (const field of entity.fields) {
      if (field.nav && !(coreTableNames as readonly string[]).includes(field.nav.entity)) {
        add(field.nav.entity as TableName, field.nav.foreignKey, name);
      }
      if (field.type !== 'Edm.Guid' || field.key) continue;
      const candidates = pluralOf(field.name).flatMap(
        (plural) => byLastSegment.get(plural.toLowerCase()) ?? [],
      );
      const target = candidates.find((c) => c.startsWith(`${service}/`)) ?? candidates[0];
      if (target && target !== name && !referencedTables.get(name)?.has(field.name))
        add(name, field.name, target);
    }
  }
}

/** One `sync/Deleted` row. */ /** One `sync/Deleted` row. */
export interface DeletedRow extends Row {
  Timestamp: number;
  DeletedBy: string;
  DeletedDate: number;
  Division: number;
  EntityKey: string;
  EntityType: number;
  ID: string;
}

/** Every table, the shared Timestamp counter and the sync/Deleted log of one division. */
export class DivisionStore {
  readonly info: DivisionInfo;
  readonly ctx: GenerationContext;
  readonly tables: Record<TableName, Table>;
  /** The last Timestamp handed out; one counter for all entities of the division. */
  counter: number;
  readonly deletedLog: DeletedRow[] = [];
  /** Wall-clock creation time of the division. */
  readonly createdAt: number;
  /** Counts used to draw deterministic keys and values for writes. */
  writeSequence = 0;
  readonly #scope: GenericScope;
  readonly #completers = new Map<string, [string, ValueMaker][]>();
  /** Tables built so far: the core ones, then generic ones in first-read order. */
  readonly #built: TableName[] = [...coreTableNames];

  constructor(info: DivisionInfo, ctx: GenerationContext, createdAt: number) {
    this.info = info;
    this.ctx = ctx;
    this.createdAt = createdAt;
    const { seed, division } = ctx;
    const invoiceLayout = new LineLayout(
      seed,
      division,
      tableSalt.SalesInvoiceLine,
      ctx.volumes.salesInvoices,
    );
    const orderLayout = new LineLayout(seed, division, tableSalt.SalesOrderLine, ctx.volumes.salesOrders);
    const scope: GenericScope = { ctx, country: info.country, currency: info.currency };
    this.#scope = scope;
    // Timestamps start at an arbitrary large value (Exact's rowversions are big numbers) and
    // are handed out table by table in creation order.
    let next = 1_000_000 + (ctx.seed % 1000) * 1000;
    const make = (name: CoreTableName, generator: RowGenerator): Table => {
      const entity = tableEntities[name];
      const table = new Table(entity, completedGenerator(entity, scope, tableSalt[name], generator), next);
      next += generator.count;
      return table;
    };
    const core: Record<CoreTableName, Table> = {
      GLAccount: make('GLAccount', glAccountGenerator(ctx)),
      Account: make('Account', accountGenerator(ctx)),
      Contact: make('Contact', contactGenerator(ctx)),
      Address: make('Address', addressGenerator(ctx)),
      Item: make('Item', itemGenerator(ctx)),
      SalesInvoice: make('SalesInvoice', salesInvoiceGenerator(ctx, invoiceLayout)),
      SalesInvoiceLine: make('SalesInvoiceLine', salesInvoiceLineGenerator(ctx, invoiceLayout)),
      SalesOrder: make('SalesOrder', salesOrderGenerator(ctx, orderLayout)),
      SalesOrderLine: make('SalesOrderLine', salesOrderLineGenerator(ctx, orderLayout)),
      TransactionLine: make('TransactionLine', transactionLineGenerator(ctx)),
    };
    this.counter = next - 1;
    this.tables = { ...core } as Record<TableName, Table>;
    for (const name of Object.keys(tableEntities) as TableName[]) {
      if ((coreTableNames as readonly string[]).includes(name)) continue;
      // Built on first use: its rows take the next Timestamps, as records created then would.
      Object.defineProperty(this.tables, name, {
        configurable: true,
        enumerable: true,
        get: () => {
          const salt = genericSalt(name);
          const entity = tableEntities[name];
          const dedicated = dedicatedGenerators[name];
          const generator = dedicated
            ? completedGenerator(entity, scope, salt, dedicated(ctx))
            : genericGenerator(entity, scope, salt, this.#referencesOf(name));
          const table = new Table(entity, generator, this.counter + 1);
          this.counter += generator.count;
          Object.defineProperty(this.tables, name, { value: table, enumerable: true });
          this.#built.push(name);
          return table;
        },
      });
    }
  }

  /**
   * The tables that exist so far. Reading `tables[name]` builds a generic table on first use,
   * so code that walks every table (saving state) should walk these rather than
   * `Object.values(tables)`, which would build all of them.
   */
  builtTables(): readonly TableName[] {
    return this.#built;
  }

  /** Pickers of keys of the tables a generic table's Guid columns point at. */
  #referencesOf(table: TableName): Map<string, ReferenceTarget> {
    const pickers = new Map<string, ReferenceTarget>();
    for (const [field, target] of referencedTables.get(table) ?? []) {
      const dedicated = dedicatedGenerators[target];
      if (dedicated) {
        const generator = dedicated(this.ctx);
        pickers.set(field, (r) => generator.key(r.int(generator.count)));
      } else if (tableEntities[target].fields.find((f) => f.key)?.type === 'Edm.Guid') {
        const salt = genericSalt(target);
        pickers.set(field, (r) => this.ctx.key(salt, r.int(GENERIC_ROWS)));
      }
    }
    return pickers;
  }

  /**
   * Completes a record built by hand (the division's own `system/Divisions` row) to the
   * endpoint's full field list, deterministically; the hand-set values win.
   */
  completed(path: string, row: Row, index = 0): Row {
    let makers = this.#completers.get(path);
    if (!makers) {
      const entity = endpointsByPath.get(path.toLowerCase())?.entity;
      makers = entity ? fieldMakers(entity, this.#scope, new Map()) : [];
      this.#completers.set(path, makers);
    }
    const salt = genericSalt(path);
    const input = { r: this.ctx.rand(salt, index), index, daysAgo: 365 };
    for (const [name, make] of makers) if (row[name] === undefined) row[name] = make(input);
    return row;
  }

  nextTimestamp(): number {
    this.counter++;
    return this.counter;
  }

  /** Resolves a derived field (e.g. `AccountName`) of `row`. */
  lookup(def: LookupDef, row: Row): unknown {
    const table = this.tables[def.entity as TableName];
    if (!table) return null;
    const index = table.indexOf(row[def.via]);
    if (index < 0) return null;
    return table.row(index)[def.field] ?? null;
  }

  /** Deleted rows with Timestamp strictly above `after`, ascending. */
  *deletedAfter(after: number): Generator<DeletedRow> {
    const log = this.deletedLog;
    let lo = 0;
    let hi = log.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((log[mid] as DeletedRow).Timestamp <= after) lo = mid + 1;
      else hi = mid;
    }
    for (let k = lo; k < log.length; k++) yield log[k] as DeletedRow;
  }
}
