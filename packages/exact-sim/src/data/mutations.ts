import { type CoreTableName, coreTableNames, type TableName, tableEntities } from '../catalogue/endpoints.ts';
import type { MutationRequest, MutationResult } from '../contract.ts';
import { ApiError } from '../odata/api-error.ts';
import { DivisionSpecError } from './division-spec-error.ts';
import type { DivisionStore } from './division-store.ts';
import { landline, mobile, roundCents, streetAddress } from './dutch-values.ts';
import { cities, jobTitles } from './dutch-vocabulary.ts';
import { tableSalt } from './generation-context.ts';
import { accountGenerator } from './generators/accounts.ts';
import { addressGenerator } from './generators/addresses.ts';
import { contactGenerator } from './generators/contacts.ts';
import { glAccountGenerator } from './generators/gl-accounts.ts';
import { itemGenerator } from './generators/items.ts';
import { hash, Rand } from './random.ts';
import type { Actor, RecordWriter } from './record-writer.ts';
import type { Row } from './table.ts';

/** A random live row index of the table, or -1 when it is empty. */
export function randomLiveIndex(store: DivisionStore, table: TableName, r: Rand): number {
  const t = store.tables[table];
  if (t.liveCount === 0) return -1;
  const start = r.int(t.size);
  for (let k = 0; k < t.size; k++) {
    const index = (start + k) % t.size;
    if (t.isLive(index)) return index;
  }
  return -1;
}

function randomKey(store: DivisionStore, table: TableName, r: Rand): string | null {
  const index = randomLiveIndex(store, table, r);
  return index < 0 ? null : store.tables[table].keyOf(index);
}

/** Only the fields an API client could POST (no key, no read-only, no audit columns). */
function writable(table: TableName, generated: Row): Row {
  const entity = tableEntities[table];
  const row: Row = {};
  for (const field of entity.fields) {
    if (field.key || field.readOnly || field.type === 'nav') continue;
    if (field.name in generated) row[field.name] = generated[field.name];
  }
  return row;
}

export interface MutationCreate {
  input: Row;
  lines: Row[] | null;
}

/**
 * Realistic input for a new record, drawn from the same generators as the seed data (at an
 * index past the generated ones), so mutations look like what users type.
 */
export function mutationCreateInput(
  store: DivisionStore,
  table: CoreTableName,
  r: Rand,
): MutationCreate | null {
  const ctx = store.ctx;
  const virtual = ctx.volumes[volumeKey(table)] + store.writeSequence + r.int(1000);
  switch (table) {
    case 'Account': {
      const input = writable(table, accountGenerator(ctx).row(virtual));
      delete input.Code;
      delete input.MainContact;
      return { input, lines: null };
    }
    case 'Contact': {
      const account = randomKey(store, 'Account', r);
      if (!account) return null;
      return {
        input: { ...writable(table, contactGenerator(ctx).row(virtual)), Account: account },
        lines: null,
      };
    }
    case 'Address': {
      const account = randomKey(store, 'Account', r);
      if (!account) return null;
      const input = writable(table, addressGenerator(ctx).row(virtual));
      return { input: { ...input, Account: account, Contact: null, Type: r.pick([1, 3, 4]) }, lines: null };
    }
    case 'Item': {
      const input = writable(table, itemGenerator(ctx).row(virtual));
      input.Code = `${String(input.Code)}-${store.writeSequence + 1}`;
      return { input, lines: null };
    }
    case 'GLAccount': {
      const input = writable(table, glAccountGenerator(ctx).row(virtual));
      input.Code = String(5000 + store.writeSequence + r.int(4000));
      input.Description = `Tussenrekening ${input.Code}`;
      return { input, lines: null };
    }
    case 'SalesInvoice':
    case 'SalesOrder': {
      const account = randomKey(store, 'Account', r);
      if (!account) return null;
      const lines: Row[] = [];
      for (let n = r.between(1, 3); n > 0; n--) {
        const item = randomKey(store, 'Item', r);
        if (item) lines.push({ Item: item, Quantity: r.pick([1, 2, 3, 5, 10]) });
      }
      if (lines.length === 0) return null;
      const description = table === 'SalesInvoice' ? 'Factuur' : 'Order';
      return {
        input: {
          OrderedBy: account,
          Description: `${description} ${r.digits(5)}`,
          YourRef: r.chance(0.5) ? `PO-${r.digits(5)}` : null,
        },
        lines,
      };
    }
    case 'SalesInvoiceLine':
    case 'SalesOrderLine': {
      const header = randomKey(store, table === 'SalesInvoiceLine' ? 'SalesInvoice' : 'SalesOrder', r);
      const item = randomKey(store, 'Item', r);
      if (!header || !item) return null;
      const foreignKey = table === 'SalesInvoiceLine' ? 'InvoiceID' : 'OrderID';
      return { input: { [foreignKey]: header, Item: item, Quantity: r.between(1, 10) }, lines: null };
    }
    case 'TransactionLine': {
      const gl = randomKey(store, 'GLAccount', r);
      if (!gl) return null;
      const amount = roundCents((r.int(200_000) - 100_000) / 100);
      return {
        input: {
          GLAccount: gl,
          Account: randomKey(store, 'Account', r),
          Date: Math.floor(store.ctx.anchor / 86_400_000) * 86_400_000,
          AmountDC: amount,
          AmountFC: amount,
          Description: `Memoriaalboeking ${r.digits(6)}`,
          // A manual one-line memorial entry of its own, numbered after the generated entries.
          EntryID: store.ctx.key(tableSalt.Entry, 0x40000000 + store.writeSequence),
          EntryNumber: 90_000_000 + store.writeSequence,
          LineNumber: 1,
          Type: 90,
          JournalCode: '90',
          JournalDescription: 'Memoriaal',
        },
        lines: null,
      };
    }
  }
}

/** A realistic small edit of an existing record. */
export function mutationUpdatePatch(_store: DivisionStore, table: CoreTableName, r: Rand): Row {
  switch (table) {
    case 'Account':
      return r.chance(0.5)
        ? { Phone: landline(r, r.pick(cities)) }
        : { Remarks: `Gebeld op ${r.between(1, 28)}-${r.between(1, 12)}` };
    case 'Contact':
      return r.chance(0.5) ? { Mobile: mobile(r) } : { JobTitleDescription: r.pick(jobTitles) };
    case 'Address':
      return { AddressLine1: streetAddress(r) };
    case 'Item':
      return { CostPriceStandard: roundCents(1 + r.int(50_000) / 100) };
    case 'GLAccount':
      return { IsBlocked: r.chance(0.2) };
    case 'SalesInvoice':
    case 'SalesOrder':
      return { YourRef: `PO-${r.digits(5)}` };
    case 'SalesInvoiceLine':
    case 'SalesOrderLine':
      return { Quantity: r.between(1, 20) };
    case 'TransactionLine':
      return { Description: `Gecorrigeerd ${r.digits(4)}` };
  }
}

function volumeKey(table: CoreTableName): keyof DivisionStore['ctx']['volumes'] {
  switch (table) {
    case 'Account':
      return 'accounts';
    case 'Contact':
      return 'contacts';
    case 'Address':
      return 'addresses';
    case 'Item':
      return 'items';
    case 'GLAccount':
      return 'glAccounts';
    case 'SalesInvoice':
    case 'SalesInvoiceLine':
      return 'salesInvoices';
    case 'SalesOrder':
    case 'SalesOrderLine':
      return 'salesOrders';
    case 'TransactionLine':
      return 'transactionLines';
  }
}

/** Tries this many records before deciding that none of the table's records can be edited. */
const UPDATE_PICKS = 50;

/**
 * Edits a random live record. A record Exact would refuse to save as it stands (say, a contact
 * whose account was deleted) is passed over for another, as a user editing it would be stopped.
 */
function updateSomeRecord(
  store: DivisionStore,
  tableName: CoreTableName,
  r: Rand,
  writer: RecordWriter,
  actor: Actor,
): Row | null {
  for (let pick = 0; pick < UPDATE_PICKS; pick++) {
    const index = randomLiveIndex(store, tableName, r);
    if (index < 0) return null;
    try {
      return writer.update(tableName, index, mutationUpdatePatch(store, tableName, r), actor);
    } catch (error) {
      if (!(error instanceof ApiError)) throw error;
    }
  }
  return null;
}

function isCoreTable(table: TableName): table is CoreTableName {
  return (coreTableNames as readonly string[]).includes(table);
}

/**
 * `/_sim/mutations`: creates, updates and deletes random records of one table through the
 * API write path (same rules, timestamps, deleted log and change events), by the division
 * owner, deterministically from the seed and the division's write history.
 */
export function applyMutations(
  store: DivisionStore,
  tableName: TableName,
  request: MutationRequest,
  writer: RecordWriter,
): MutationResult {
  if (!isCoreTable(tableName)) {
    throw new DivisionSpecError(
      `Cannot mutate '${tableName}': random mutations exist for ${coreTableNames.join(', ')}; write other endpoints through the API.`,
    );
  }
  const table = store.tables[tableName];
  const actor: Actor = { userId: store.ctx.ownerId, fullName: store.ctx.ownerName };
  const r = new Rand(
    hash(store.ctx.seed, store.info.code, tableSalt.Mutation, store.writeSequence + 7919 * table.size),
  );
  const result: MutationResult = { created: [], updated: [], deleted: [] };
  for (let n = 0; n < (request.creates ?? 0); n++) {
    const input = mutationCreateInput(store, tableName, r);
    if (!input) break;
    const row = writer.create(tableName, input.input, actor, input.lines);
    result.created.push(row[table.entity.key] as string);
  }
  for (let n = 0; n < (request.updates ?? 0); n++) {
    const row = updateSomeRecord(store, tableName, r, writer, actor);
    if (!row) break;
    result.updated.push(row[table.entity.key] as string);
  }
  for (let n = 0; n < (request.deletes ?? 0); n++) {
    const index = randomLiveIndex(store, tableName, r);
    if (index < 0) break;
    result.deleted.push(table.keyOf(index));
    writer.delete(tableName, index, actor);
  }
  return result;
}
