import { type TableName, tableDeletedTypes } from '../catalogue/endpoints.ts';
import type { ChangeAction } from '../contract.ts';
import type { DivisionStore } from './division-store.ts';
import { roundCents } from './dutch-values.ts';
import { applyRules, validationError } from './entity-rules.ts';
import { tableSalt } from './generation-context.ts';
import { rowGuid } from './random.ts';
import type { Row } from './table.ts';

export interface Actor {
  userId: string;
  fullName: string;
}

/** Told about every committed change, in commit order. */
export type ChangeRecorder = (table: TableName, action: ChangeAction, key: string, at: number) => void;

/** Header tables and their line tables (deep insert, totals, line-level sync rows). */
const LINES: Partial<
  Record<TableName, { lines: TableName; foreignKey: string; nav: string; vatField: string }>
> = {
  SalesInvoice: {
    lines: 'SalesInvoiceLine',
    foreignKey: 'InvoiceID',
    nav: 'SalesInvoiceLines',
    vatField: 'VATAmountFC',
  },
  SalesOrder: {
    lines: 'SalesOrderLine',
    foreignKey: 'OrderID',
    nav: 'SalesOrderLines',
    vatField: 'VATAmount',
  },
};

const HEADER_OF: Partial<Record<TableName, TableName>> = {
  SalesInvoiceLine: 'SalesInvoice',
  SalesOrderLine: 'SalesOrder',
};

/**
 * The single write path for API writes and `/_sim/mutations`: applies the entity rules,
 * stamps audit fields and a fresh Timestamp from the division counter, logs deletions in
 * `sync/Deleted` and reports each change.
 */
export class RecordWriter {
  private readonly store: DivisionStore;
  private readonly now: () => number;
  private readonly record: ChangeRecorder;

  /** @param now simulated now as Dutch wall-clock ms */
  constructor(store: DivisionStore, now: () => number, record: ChangeRecorder) {
    this.store = store;
    this.now = now;
    this.record = record;
  }

  private newKey(): string {
    return rowGuid(
      this.store.ctx.seed,
      this.store.ctx.division,
      tableSalt.Mutation,
      this.store.writeSequence++,
    );
  }

  private stampCreate(row: Row, actor: Actor, at: number): void {
    row.Division = this.store.info.code;
    row.Created = at;
    row.Creator = actor.userId;
    row.CreatorFullName = actor.fullName;
    row.Modified = at;
    row.Modifier = actor.userId;
    row.ModifierFullName = actor.fullName;
  }

  private stampUpdate(row: Row, actor: Actor, at: number): void {
    row.Modified = at;
    row.Modifier = actor.userId;
    row.ModifierFullName = actor.fullName;
  }

  /**
   * Creates a record (with its lines for invoices and orders) and returns the stored header.
   * `lines` are the deep-inserted line inputs.
   */
  create(tableName: TableName, input: Row, actor: Actor, lines: Row[] | null = null): Row {
    const table = this.store.tables[tableName];
    const keyField = table.entity.key;
    const at = this.now();
    const row: Row = { ...input };
    if (typeof row[keyField] === 'string') {
      if (table.indexOf(row[keyField]) >= 0)
        throw validationError(`Duplicate key: ${keyField} ${row[keyField]}`);
    } else {
      row[keyField] = this.newKey();
    }
    const ctx = { store: this.store, now: at, mode: 'create' as const };
    const lineSpec = LINES[tableName];
    applyRules(tableName, row, ctx);
    const preparedLines: Row[] = [];
    if (lineSpec) {
      if (tableName === 'SalesInvoice' && (!lines || lines.length === 0)) {
        throw validationError('Mandatory: SalesInvoiceLines');
      }
      // Deep-inserted lines reference a header that is not stored yet.
      const lineCtx = { ...ctx, pending: new Map([[row[keyField] as string, row]]) };
      (lines ?? []).forEach((input, n) => {
        const line: Row = { ...input, [lineSpec.foreignKey]: row[keyField], LineNumber: n + 1 };
        line.ID = typeof line.ID === 'string' ? line.ID : this.newKey();
        applyRules(lineSpec.lines, line, lineCtx);
        preparedLines.push(line);
      });
      this.applyTotals(tableName, row, preparedLines);
    } else {
      const headerName = HEADER_OF[tableName];
      if (headerName) row.LineNumber = this.lineNumbers(headerName, tableName, row) + 1;
    }
    this.stampCreate(row, actor, at);
    table.insert(row, this.store.nextTimestamp());
    this.record(tableName, 'Create', row[keyField] as string, at);
    if (lineSpec) {
      const lineTable = this.store.tables[lineSpec.lines];
      for (const line of preparedLines) {
        this.stampCreate(line, actor, at);
        lineTable.insert(line, this.store.nextTimestamp());
        this.record(lineSpec.lines, 'Create', line.ID as string, at);
      }
    }
    const headerName = HEADER_OF[tableName];
    if (headerName) this.refreshHeader(headerName, tableName, row, actor, at);
    return row;
  }

  /** Applies a partial update to the live record at `index`. */
  update(tableName: TableName, index: number, patch: Row, actor: Actor): Row {
    const table = this.store.tables[tableName];
    const keyField = table.entity.key;
    const at = this.now();
    const current = table.row(index);
    const row: Row = { ...current, ...patch, [keyField]: current[keyField] };
    applyRules(tableName, row, { store: this.store, now: at, mode: 'update' });
    const lineSpec = LINES[tableName];
    if (lineSpec) this.applyTotals(tableName, row, this.linesOf(tableName, row));
    this.stampUpdate(row, actor, at);
    table.replace(index, row, this.store.nextTimestamp());
    this.record(tableName, 'Update', row[keyField] as string, at);
    if (lineSpec) this.touchLines(tableName, row);
    const headerName = HEADER_OF[tableName];
    if (headerName) this.refreshHeader(headerName, tableName, row, actor, at);
    return row;
  }

  /** Deletes the live record at `index` (an invoice or order takes its lines with it). */
  delete(tableName: TableName, index: number, actor: Actor): void {
    const table = this.store.tables[tableName];
    const at = this.now();
    const row = table.row(index);
    const lineSpec = LINES[tableName];
    if (lineSpec) {
      const lineTable = this.store.tables[lineSpec.lines];
      for (const lineIndex of [
        ...lineTable.childrenOf(lineSpec.foreignKey, row[table.entity.key] as string),
      ]) {
        this.deleteOne(lineSpec.lines, lineIndex, actor, at);
      }
    }
    this.deleteOne(tableName, index, actor, at);
    const headerName = HEADER_OF[tableName];
    if (headerName) this.refreshHeader(headerName, tableName, row, actor, at);
  }

  private deleteOne(tableName: TableName, index: number, actor: Actor, at: number): void {
    const table = this.store.tables[tableName];
    const key = table.keyOf(index);
    table.remove(index);
    for (const entityType of tableDeletedTypes[tableName]) {
      const timestamp = this.store.nextTimestamp();
      this.store.deletedLog.push({
        Timestamp: timestamp,
        DeletedBy: actor.userId,
        DeletedDate: at,
        Division: this.store.info.code,
        EntityKey: key,
        EntityType: entityType,
        ID: rowGuid(this.store.ctx.seed, this.store.ctx.division, tableSalt.DeletedRow, timestamp),
      });
    }
    if (tableDeletedTypes[tableName].length === 0) this.store.nextTimestamp();
    this.record(tableName, 'Delete', key, at);
  }

  private linesOf(headerName: TableName, header: Row): Row[] {
    const spec = LINES[headerName];
    if (!spec) return [];
    const lineTable = this.store.tables[spec.lines];
    const headerKey = header[this.store.tables[headerName].entity.key] as string;
    return lineTable.childrenOf(spec.foreignKey, headerKey).map((i) => lineTable.row(i));
  }

  private lineNumbers(headerName: TableName, linesName: TableName, line: Row): number {
    const spec = LINES[headerName];
    if (!spec) return 0;
    const lineTable = this.store.tables[linesName];
    let max = 0;
    for (const i of lineTable.childrenOf(spec.foreignKey, line[spec.foreignKey] as string)) {
      max = Math.max(max, Number(lineTable.row(i).LineNumber) || 0);
    }
    return max;
  }

  private applyTotals(headerName: TableName, header: Row, lines: Row[]): void {
    const spec = LINES[headerName];
    if (!spec) return;
    let net = 0;
    let vat = 0;
    for (const line of lines) {
      net += Number(line.AmountFC) || 0;
      vat += Number(line[spec.vatField]) || 0;
    }
    header.AmountFCExclVat = roundCents(net);
    header.AmountFC = roundCents(net + vat);
    header.AmountDC = header.AmountFC;
    if (headerName === 'SalesInvoice') {
      header.VATAmountFC = roundCents(vat);
      header.VATAmountDC = header.VATAmountFC;
    }
  }

  /** After a line changed: recompute the header's totals as a header update. */
  private refreshHeader(
    headerName: TableName,
    linesName: TableName,
    line: Row,
    actor: Actor,
    at: number,
  ): void {
    const spec = LINES[headerName];
    if (!spec) return;
    const headerTable = this.store.tables[headerName];
    const index = headerTable.indexOf(line[spec.foreignKey]);
    if (index < 0) return;
    const header: Row = { ...headerTable.row(index) };
    this.applyTotals(headerName, header, this.linesOf(headerName, header));
    this.stampUpdate(header, actor, at);
    headerTable.replace(index, header, this.store.nextTimestamp());
    this.record(headerName, 'Update', header[headerTable.entity.key] as string, at);
    this.touchLines(headerName, header, linesName);
  }

  /** Line-level sync rows carry header columns: a header change re-stamps its lines. */
  private touchLines(headerName: TableName, header: Row, linesName?: TableName): void {
    const spec = LINES[headerName];
    if (!spec) return;
    const lineTable = this.store.tables[linesName ?? spec.lines];
    const headerKey = header[this.store.tables[headerName].entity.key] as string;
    for (const i of [...lineTable.childrenOf(spec.foreignKey, headerKey)]) {
      lineTable.replace(i, { ...lineTable.row(i) }, this.store.nextTimestamp());
    }
  }
}
