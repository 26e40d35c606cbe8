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

export function hash(a: number, b: number, c = 0, d = 0): number {
  let h = mix32(a ^ 0x9e3779b9);
  h = mix32(h ^ Math.imul(b | 0, 0x27d4eb2f));
  h = mix32(h ^ Math.imul(c | 0, 0x165667b1));
  return mix32(h ^ Math.imul(d | 0, 0x61c88647));
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

const HEX: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));

function hex32(x: number): string {
  return (
    (HEX[(x >>> 24) & 0xff] as string) +
    (HEX[(x >>> 16) & 0xff] as string) +
    (HEX[(x >>> 8) & 0xff] as string) +
    (HEX[x & 0xff] as string)
  );
}

/** A lower-case, version-4-shaped GUID drawn from four 32-bit words. */
export function guidFromWords(a: number, b: number, c: number, d: number): string {
  const w1 = hex32(a);
  const w2 = hex32((b & 0xffff0fff) | 0x00004000);
  const w3 = hex32((c & 0x3fffffff) | 0x80000000);
  const w4 = hex32(d);
  return `${w1}-${w2.slice(0, 4)}-${w2.slice(4)}-${w3.slice(0, 4)}-${w3.slice(4)}${w4}`;
}

/** The GUID of row `index` of a table: a pure function of its inputs. */
export function rowGuid(seed: number, division: number, salt: number, index: number): string {
  const h = hash(seed, division, salt, index);
  return guidFromWords(h, mix32(h + 1), mix32(h + 2), mix32(h + 3));
}
