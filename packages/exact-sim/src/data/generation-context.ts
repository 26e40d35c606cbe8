import { hash, Rand, rowGuid, rowIndexOfGuid } from './random.ts';

/** Salts that keep the key spaces of the tables apart. */
export const tableSalt = {
  Account: 1,
  Contact: 2,
  Address: 3,
  Item: 4,
  GLAccount: 5,
  SalesInvoice: 6,
  SalesInvoiceLine: 7,
  SalesOrder: 8,
  SalesOrderLine: 9,
  TransactionLine: 10,
  Entry: 11,
  Division: 12,
  User: 13,
  Mutation: 14,
  DeletedRow: 15,
  Subscription: 16,
} as const;

export interface Volumes {
  accounts: number;
  contacts: number;
  addresses: number;
  items: number;
  glAccounts: number;
  salesInvoices: number;
  salesOrders: number;
  transactionLines: number;
}

export const defaultVolumes: Volumes = {
  accounts: 25,
  contacts: 60,
  addresses: 35,
  items: 30,
  glAccounts: 40,
  salesInvoices: 20,
  salesOrders: 15,
  transactionLines: 500,
};

/** Everything a generator needs to produce row `i` of its table deterministically. */
export class GenerationContext {
  readonly seed: number;
  readonly division: number;
  readonly volumes: Volumes;
  /** Midnight (Dutch wall-clock, as-if-UTC ms) of the day the division was created. */
  readonly anchor: number;
  /** The user shown as Creator/Modifier of generated data. */
  readonly ownerId: string;
  readonly ownerName: string;

  constructor(seed: number, division: number, volumes: Volumes, anchor: number, ownerName: string) {
    this.seed = seed;
    this.division = division;
    this.volumes = volumes;
    this.anchor = anchor;
    this.ownerId = rowGuid(seed, division, tableSalt.User, 0);
    this.ownerName = ownerName;
  }

  key(salt: number, index: number): string {
    return rowGuid(this.seed, this.division, salt, index);
  }

  /** Inverse of `key`: the index of the generated row with this key, or -1. */
  indexOfKey(salt: number, key: string): number {
    return rowIndexOfGuid(this.seed, this.division, salt, key);
  }

  rand(salt: number, index: number): Rand {
    return new Rand(hash(this.seed, this.division, salt, index));
  }

  /** A wall-clock date `daysAgo` days before the anchor, at midnight. */
  day(daysAgo: number): number {
    return this.anchor - daysAgo * 86_400_000;
  }
}
