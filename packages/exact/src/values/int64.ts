import { ExactInputError } from '../errors.ts';

const DIGITS = /^-?\d+$/;

/** Exact serializes Edm.Int64 as a JSON string ("128"); numbers are accepted too. */
export function parseInt64(value: string | number | bigint): bigint {
  if (typeof value === 'bigint') return value;
  if (typeof value === 'number') {
    if (!Number.isSafeInteger(value))
      throw new ExactInputError(`Not a safe Int64 number: ${value}`, { value });
    return BigInt(value);
  }
  if (!DIGITS.test(value)) throw new ExactInputError(`Not an Int64: ${JSON.stringify(value)}`, { value });
  return BigInt(value);
}

/** Canonical decimal text of an Int64 (the form kept in sync cursors). */
export function int64Text(value: string | number | bigint): string {
  return parseInt64(value).toString();
}
