// Deterministic pseudo-randomness: every generated value is a pure function of
// (seed, division, table, row index), so rows can be produced lazily in any order.

/** Murmur3's 32-bit finaliser: a fast, well-mixing integer hash. */
export function mix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** Inverse of `mix32` (the finaliser is a bijection on 32-bit integers). */
export function unmix32(x: number): number {
  let h = x | 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x7ed1b41d);
  h ^= (h >>> 13) ^ (h >>> 26);
  h = Math.imul(h, 0xa5cb9243);
  h ^= h >>> 16;
  return h >>> 0;
}

const D_MULTIPLIER = 0x61c88647;

/** Multiplicative inverse modulo 2^32 of an odd number (Newton's iteration). */
function inverseOdd(a: number): number {
  let x = a;
  for (let i = 0; i < 5; i++) x = Math.imul(x, 2 - Math.imul(a, x));
  return x >>> 0;
}

const D_INVERSE = inverseOdd(D_MULTIPLIER);

function hashPrefix(a: number, b: number, c: number): number {
  let h = mix32(a ^ 0x9e3779b9);
  h = mix32(h ^ Math.imul(b | 0, 0x27d4eb2f));
  return mix32(h ^ Math.imul(c | 0, 0x165667b1));
}

/**
 * A 32-bit hash of four integers. For fixed (a, b, c) it is a bijection of d, which lets a
 * row's index be recovered from its GUID (see `rowIndexOfGuid`).
 */
export function hash(a: number, b: number, c = 0, d = 0): number {
  return mix32(hashPrefix(a, b, c) ^ Math.imul(d | 0, D_MULTIPLIER));
}

/** A small fast PRNG (mulberry32) for drawing several values for one row. */
export class Rand {
  private state: number;

  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform 32-bit unsigned integer. */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  }

  /** Uniform float in [0, 1). */
  float(): number {
    return this.next() / 4294967296;
  }

  /** Uniform integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.float() * n);
  }

  /** Uniform integer in [min, max]. */
  between(min: number, max: number): number {
    return min + this.int(max - min + 1);
  }

  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)] as T;
  }

  chance(p: number): boolean {
    return this.float() < p;
  }

  /** A string of `n` decimal digits. */
  digits(n: number): string {
    let out = '';
    for (let i = 0; i < n; i++) out += String(this.int(10));
    return out;
  }
}

/** Lower-case hex of every 16-bit value: GUIDs are built from eight lookups (hot path). */
const HEX16: string[] = Array.from({ length: 65_536 }, (_, i) => i.toString(16).padStart(4, '0'));

/** A lower-case, version-4-shaped GUID drawn from four 32-bit words. */
export function guidFromWords(a: number, b: number, c: number, d: number): string {
  const version = ((b & 0x0fff) | 0x4000) >>> 0;
  const variant = ((c >>> 16) & 0x3fff) | 0x8000;
  return `${HEX16[a >>> 16]}${HEX16[a & 0xffff]}-${HEX16[b >>> 16]}-${HEX16[version]}-${HEX16[variant]}-${HEX16[c & 0xffff]}${HEX16[d >>> 16]}${HEX16[d & 0xffff]}`;
}

/** The GUID of row `index` of a table: a pure function of its inputs. */
export function rowGuid(seed: number, division: number, salt: number, index: number): string {
  const h = hash(seed, division, salt, index);
  return guidFromWords(h, mix32(h + 1), mix32(h + 2), mix32(h + 3));
}

/**
 * The row index whose `rowGuid` is `guid`, or -1: finds generated rows by key in O(1)
 * without an index of a million keys.
 */
export function rowIndexOfGuid(seed: number, division: number, salt: number, guid: string): number {
  const h = Number.parseInt(guid.slice(0, 8), 16);
  if (!Number.isFinite(h)) return -1;
  const index = Math.imul((unmix32(h) ^ hashPrefix(seed, division, salt)) | 0, D_INVERSE) | 0;
  if (index < 0 || rowGuid(seed, division, salt, index) !== guid) return -1;
  return index;
}
