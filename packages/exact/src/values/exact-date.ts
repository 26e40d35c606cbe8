import { ExactInputError } from '../errors.ts';
import { dutchWallToUtc, utcToDutchWall } from './dutch-time.ts';

const DATE_PATTERN = /^\/Date\((-?\d+)(?:[+-]\d{4})?\)\/$/;

/** Parses Exact's `/Date(ms)/` (Dutch wall time) into the real instant. */
export function parseExactDate(value: string): Date {
  // Fast path for the plain form Exact sends, `/Date(1782404464260)/`.
  if (value.startsWith('/Date(') && value.endsWith(')/')) {
    const ms = Number(value.slice(6, -2));
    if (Number.isInteger(ms)) return new Date(dutchWallToUtc(ms));
  }
  const match = DATE_PATTERN.exec(value);
  if (match === null) {
    throw new ExactInputError(
      `Not an Exact date: ${JSON.stringify(value)}; expected "/Date(<milliseconds>)/"`,
      {
        value,
      },
    );
  }
  return new Date(dutchWallToUtc(Number(match[1])));
}

/** Formats an instant as Exact's `/Date(ms)/` (Dutch wall time). */
export function formatExactDate(date: Date): string {
  return `/Date(${utcToDutchWall(assertValidDate(date))})/`;
}

/**
 * An instant as Dutch local time without offset, `2024-09-09T12:40:29.9`, the form Exact
 * expects inside `datetime'…'` filter literals and in `$skiptoken`s (trailing zeros trimmed).
 */
export function formatDutchLocal(date: Date): string {
  const iso = new Date(utcToDutchWall(assertValidDate(date))).toISOString().slice(0, 23);
  return iso.replace(/\.?0+$/, '').replace(/T00:00(:00)?$/, '');
}

function assertValidDate(date: Date): number {
  const ms = date.getTime();
  if (Number.isNaN(ms)) throw new ExactInputError('Invalid Date given where an Exact date was expected');
  return ms;
}
