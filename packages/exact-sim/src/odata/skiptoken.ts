import type { EdmType } from '../catalogue/types.ts';
import { ApiError } from './api-error.ts';
import { formatSkipTokenDate } from './dutch-time.ts';
import { parseFilter } from './filter-parser.ts';

/** One value as an OData literal inside a `$skiptoken` (`guid'…'`, `datetime'…'`, `12L`, `'text'`). */
export function skipTokenLiteral(type: EdmType, value: unknown): string {
  if (value === null || value === undefined) return 'null';
  switch (type) {
    case 'Edm.Guid':
      return `guid'${value as string}'`;
    case 'Edm.DateTime':
      return `datetime'${formatSkipTokenDate(value as number)}'`;
    case 'Edm.Int64':
      return `${value as number}L`;
    case 'Edm.String':
      return `'${(value as string).replace(/'/g, "''")}'`;
    case 'Edm.Boolean':
      return value ? 'true' : 'false';
    case 'Edm.Double':
      return `${value as number}M`;
    default:
      return String(value);
  }
}

function invalidToken(token: string): ApiError {
  return new ApiError(
    400,
    'invalid_query_option',
    `Invalid $skiptoken '${token}': use the __next link as returned.`,
  );
}

/** Splits a skiptoken on the commas between its literals (commas inside quotes stay). */
function splitTopLevel(token: string): string[] {
  const parts: string[] = [];
  let start = 0;
  let quoted = false;
  for (let i = 0; i < token.length; i++) {
    const c = token.charAt(i);
    if (c === "'") quoted = !quoted;
    else if (c === ',' && !quoted) {
      parts.push(token.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(token.slice(start));
  return parts;
}

/** Parses a `$skiptoken` into its literal values (internal form), checking the expected count. */
export function parseSkipToken(token: string, expected: number): unknown[] {
  const parts = splitTopLevel(token);
  if (parts.length !== expected) throw invalidToken(token);
  return parts.map((part) => {
    try {
      const expr = parseFilter(part);
      if (expr.kind !== 'literal') throw invalidToken(token);
      return expr.value;
    } catch {
      throw invalidToken(token);
    }
  });
}
