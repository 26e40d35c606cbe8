import { roundCents } from '../dutch-values.ts';
import { type GenerationContext, tableSalt } from '../generation-context.ts';
import { hash } from '../random.ts';
import type { Row, RowGenerator } from '../table.ts';
import { glKeyByCode } from './gl-accounts.ts';

const DAY = 86_400_000;
/** Lines are generated in blocks of 12, each block split into 2–6 entries by one of these patterns. */
const BLOCK = 12;
const PATTERNS: readonly (readonly number[])[] = [
  [2, 2, 2, 3, 3],
  [3, 4, 5],
  [2, 4, 6],
  [4, 4, 4],
  [2, 3, 3, 4],
  [3, 3, 3, 3],
  [2, 2, 2, 2, 2, 2],
  [5, 7],
];

interface Slot {
  part: number;
  start: number;
  length: number;
}

const SLOTS: readonly (readonly Slot[])[] = PATTERNS.map((pattern) => {
  const slots: Slot[] = [];
  let start = 0;
  pattern.forEach((length, part) => {
    for (let n = 0; n < length; n++) slots.push({ part, start, length });
    start += length;
  });
  return slots;
});

interface EntryKind {
  type: number;
  journal: string;
  journalDescription: string;
  counterCode: string;
  detailCodes: readonly string[];
  vatCode: string | null;
  /** Sign of the detail lines (debit positive). */
  detailSign: number;
  /** Whether the entry is linked to an account (customer or supplier). */
  withAccount: boolean;
  description: string;
}

const KINDS: readonly EntryKind[] = [
  {
    type: 20,
    journal: '70',
    journalDescription: 'Verkoopboek',
    counterCode: '1300',
    detailCodes: ['8000', '8000', '8300', '8100'],
    vatCode: '1500',
    detailSign: -1,
    withAccount: true,
    description: 'Factuur',
  },
  {
    type: 30,
    journal: '60',
    journalDescription: 'Inkoopboek',
    counterCode: '1600',
    detailCodes: ['7000', '7100', '4400', '4310', '4500', '4410'],
    vatCode: '1520',
    detailSign: 1,
    withAccount: true,
    description: 'Inkoopfactuur',
  },
  {
    type: 40,
    journal: '20',
    journalDescription: 'Bank',
    counterCode: '1100',
    detailCodes: ['1300', '1300', '1600', '4810'],
    vatCode: null,
    detailSign: -1,
    withAccount: true,
    description: 'Betaling',
  },
  {
    type: 90,
    journal: '90',
    journalDescription: 'Memoriaal',
    counterCode: '4900',
    detailCodes: ['0300', '0400', '0200'],
    vatCode: null,
    detailSign: -1,
    withAccount: false,
    description: 'Afschrijving',
  },
];

/** Kind weights: 45% sales, 30% purchase, 20% bank, 5% memorial. */
function kindOf(h: number): EntryKind {
  const p = h % 100;
  return (p < 45 ? KINDS[0] : p < 75 ? KINDS[1] : p < 95 ? KINDS[2] : KINDS[3]) as EntryKind;
}

export function transactionLineGenerator(ctx: GenerationContext): RowGenerator {
  const { seed, division } = ctx;
  const count = ctx.volumes.transactionLines;
  const blocks = Math.max(1, Math.ceil(count / BLOCK));
  const accounts = ctx.volumes.accounts;
  const glKeys = new Map<string, string | null>();
  const gl = (code: string): string | null => {
    let key = glKeys.get(code);
    if (key === undefined) {
      key = glKeyByCode(ctx, code);
      glKeys.set(code, key);
    }
    return key;
  };
  const lineKey = (i: number) => ctx.key(tableSalt.TransactionLine, i);
  // Keys shared by many lines are computed once: accounts up front, entries for the last one
  // seen (lines of an entry are consecutive).
  const accountKeys = Array.from({ length: Math.min(accounts, 100_000) }, (_, a) =>
    ctx.key(tableSalt.Account, a),
  );
  const accountKey = (a: number) => accountKeys[a] ?? ctx.key(tableSalt.Account, a);
  let lastEntry = -1;
  let lastEntryKey = '';
  const entryKey = (entry: number) => {
    if (entry !== lastEntry) {
      lastEntry = entry;
      lastEntryKey = ctx.key(tableSalt.Entry, entry);
    }
    return lastEntryKey;
  };

  /** Net amount of detail line `n` (1-based, n ≥ 1) of an entry. */
  const detailAmount = (entry: number, n: number): number => {
    const h = hash(seed, division, tableSalt.Entry + 1, entry * 8 + n);
    return (h % 250_000) / 100 + 5;
  };

  /** Where line `i` sits: its block, its entry's slot and the entry number. */
  const placeOf = (i: number) => {
    const block = Math.floor(i / BLOCK);
    const offset = i - block * BLOCK;
    const pattern = hash(seed, division, tableSalt.Entry, block) % PATTERNS.length;
    const slot = (SLOTS[pattern] as readonly Slot[])[offset] as Slot;
    return { block, offset, slot, entry: block * 6 + slot.part };
  };
  const dateOf = (block: number): number => {
    const daysAgo = Math.floor((1 - block / blocks) * 1095);
    return ctx.anchor - daysAgo * DAY;
  };
  /** An entry's lines share its creation moment: the entry date plus a working-hours time. */
  const createdOf = (block: number, eh: number): number => dateOf(block) + 32_400_000 + (eh % 28_800) * 1000;
  const createdAt = (i: number): number => {
    const { block, entry } = placeOf(i);
    return createdOf(block, hash(seed, division, tableSalt.Entry + 2, entry));
  };

  return {
    count,
    key: lineKey,
    indexOf: (key) => ctx.indexOfKey(tableSalt.TransactionLine, key),
    // The million-row table's audit dates without building rows: ordering on them stays cheap.
    field: (name) => (name === 'Created' || name === 'Modified' ? createdAt : undefined),
    row: (i): Row => {
      const { block, offset, slot, entry } = placeOf(i);
      // The last block may be cut short: its final entry just has fewer lines.
      const length = Math.min(slot.length, count - block * BLOCK - slot.start);
      const lineNumber = offset - slot.start + 1;
      const eh = hash(seed, division, tableSalt.Entry + 2, entry);
      const kind = kindOf(eh);
      const hasVatLine = kind.vatCode !== null && length >= 3;
      const lastDetail = hasVatLine ? length - 1 : length;

      let net = 0;
      for (let n = 2; n <= lastDetail; n++) net += detailAmount(entry, n);
      net = roundCents(net);
      const vat = hasVatLine ? roundCents(net * 0.21) : 0;

      let amount: number;
      let glCode: string;
      let vatCode: string | null = null;
      let vatPercentage = 0;
      if (lineNumber === 1) {
        amount = -kind.detailSign * roundCents(net + vat);
        glCode = kind.counterCode;
      } else if (hasVatLine && lineNumber === length) {
        amount = kind.detailSign * vat;
        glCode = kind.vatCode as string;
      } else {
        amount = kind.detailSign * roundCents(detailAmount(entry, lineNumber));
        glCode = kind.detailCodes[(eh >>> 8) % kind.detailCodes.length] as string;
        if (hasVatLine) {
          vatCode = '2  ';
          vatPercentage = 0.21;
        }
      }

      const daysAgo = Math.floor((1 - block / blocks) * 1095);
      const date = dateOf(block);
      const d = new Date(date);
      const year = d.getUTCFullYear();
      const entryNumber = (year % 100) * 10_000_000 + entry + 1;
      const account = kind.withAccount && accounts > 0 ? accountKey((eh >>> 4) % accounts) : null;
      const created = createdOf(block, eh);
      const vatBase = vatCode ? Math.abs(amount) : 0;
      return {
        ID: lineKey(i),
        EntryID: entryKey(entry),
        EntryNumber: entryNumber,
        LineNumber: lineNumber,
        Date: date,
        FinancialYear: year,
        FinancialPeriod: d.getUTCMonth() + 1,
        JournalCode: kind.journal,
        JournalDescription: kind.journalDescription,
        Type: kind.type,
        Status: daysAgo > 30 ? 50 : 20,
        GLAccount: gl(glCode),
        Account: account,
        AmountDC: amount,
        AmountFC: amount,
        Currency: 'EUR',
        ExchangeRate: 1,
        AmountVATFC: vatCode ? roundCents(vatBase * vatPercentage) : 0,
        AmountVATBaseFC: vatBase,
        VATCode: vatCode,
        VATPercentage: vatPercentage,
        Description: `${kind.description} ${entryNumber}`,
        InvoiceNumber: kind.type === 20 ? entryNumber : null,
        OrderNumber: null,
        YourRef: kind.type === 30 ? `INK-${(eh >>> 12) % 100_000}` : null,
        DueDate: kind.withAccount && kind.type !== 40 ? date + 30 * DAY : null,
        PaymentReference: null,
        CostCenter: null,
        CostUnit: null,
        Project: null,
        Item: null,
        Quantity: null,
        Document: null,
        // The rest of Exact's columns, set here rather than completed generically: this
        // generator is the million-row hot path.
        Asset: null,
        AssetCode: null,
        AssetDescription: null,
        CostCenterDescription: null,
        CostUnitDescription: null,
        DocumentNumber: null,
        DocumentSubject: null,
        ExternalLinkDescription: null,
        ExternalLinkReference: null,
        ExtraDutyAmountFC: null,
        ExtraDutyPercentage: null,
        ItemCode: null,
        ItemDescription: null,
        LineType: 0,
        Notes: null,
        OffsetID: null,
        PaymentDiscountAmount: 0,
        ProjectCode: null,
        ProjectDescription: null,
        SerialNumber: null,
        ShopOrder: null,
        Subscription: null,
        SubscriptionDescription: null,
        TrackingNumber: null,
        TrackingNumberDescription: null,
        VATCodeDescription: vatCode ? 'Btw hoog tarief' : null,
        VATType: null,
        Division: division,
        Created: created,
        Creator: ctx.ownerId,
        CreatorFullName: ctx.ownerName,
        Modified: created,
        Modifier: ctx.ownerId,
        ModifierFullName: ctx.ownerName,
      };
    },
  };
}

/** Entry numbers of the lines' entries, in line order (entry = block * 6 + part). */
function entriesOf(ctx: GenerationContext): Int32Array {
  const { seed, division } = ctx;
  const count = ctx.volumes.transactionLines;
  const blocks = Math.ceil(count / BLOCK);
  const entries: number[] = [];
  for (let block = 0; block < blocks; block++) {
    const pattern = PATTERNS[
      hash(seed, division, tableSalt.Entry, block) % PATTERNS.length
    ] as readonly number[];
    let start = block * BLOCK;
    for (let part = 0; part < pattern.length && start < count; part++) {
      entries.push(block * 6 + part);
      start += pattern[part] as number;
    }
  }
  return Int32Array.from(entries);
}

/**
 * `financialtransaction/Transactions`: one row per entry of the generated transaction lines,
 * with the same EntryID, entry number, journal, type, date and status as its lines.
 */
export function transactionEntryGenerator(ctx: GenerationContext): RowGenerator {
  const { seed, division } = ctx;
  const entries = entriesOf(ctx);
  const blocks = Math.max(1, Math.ceil(ctx.volumes.transactionLines / BLOCK));
  const positionOf = (entry: number): number => {
    let lo = 0;
    let hi = entries.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((entries[mid] as number) < entry) lo = mid + 1;
      else hi = mid;
    }
    return entries[lo] === entry ? lo : -1;
  };
  return {
    count: entries.length,
    key: (t) => ctx.key(tableSalt.Entry, entries[t] as number),
    indexOf: (key) => {
      const entry = ctx.indexOfKey(tableSalt.Entry, key);
      return entry < 0 ? -1 : positionOf(entry);
    },
    row: (t): Row => {
      const entry = entries[t] as number;
      const block = Math.floor(entry / 6);
      const kind = kindOf(hash(seed, division, tableSalt.Entry + 2, entry));
      const daysAgo = Math.floor((1 - block / blocks) * 1095);
      const date = ctx.anchor - daysAgo * DAY;
      const d = new Date(date);
      const year = d.getUTCFullYear();
      const entryNumber = (year % 100) * 10_000_000 + entry + 1;
      const created = date + 32_400_000 + (hash(seed, division, tableSalt.Entry + 2, entry) % 28_800) * 1000;
      return {
        EntryID: ctx.key(tableSalt.Entry, entry),
        ClosingBalanceFC: null,
        Created: created,
        Date: date,
        Description: `${kind.description} ${entryNumber}`,
        Division: division,
        Document: null,
        DocumentNumber: null,
        DocumentSubject: null,
        EntryNumber: entryNumber,
        ExternalLinkDescription: null,
        ExternalLinkReference: null,
        FinancialPeriod: d.getUTCMonth() + 1,
        FinancialYear: year,
        IsExtraDuty: false,
        JournalCode: kind.journal,
        JournalDescription: kind.journalDescription,
        Modified: created,
        OpeningBalanceFC: null,
        PaymentConditionCode: kind.withAccount && kind.type !== 40 ? '30' : null,
        PaymentConditionDescription: kind.withAccount && kind.type !== 40 ? '30 dagen' : null,
        PaymentReference: null,
        Status: daysAgo > 30 ? 50 : 20,
        StatusDescription: daysAgo > 30 ? 'Verwerkt' : 'Open',
        Type: kind.type,
        TypeDescription: kind.description,
      };
    },
  };
}
