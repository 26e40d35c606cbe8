import type { ParsedField } from '../catalogue/entity.ts';
import { ExactInputError } from '../errors.ts';
import { padAccountCode } from '../values/codes.ts';
import { formatDutchLocal } from '../values/exact-date.ts';
import { int64Text } from '../values/int64.ts';

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** OData literal builders, for hand-written filters (`filterRaw`) and function parameters. */
export const literal = {
  guid(value: string): string {
    if (!GUID.test(value)) {
      throw new ExactInputError(`Not a GUID: ${JSON.stringify(value)}`, { value });
    }
    return `guid'${value.toLowerCase()}'`;
  },
  /** Dutch local time without offset, which is how Exact reads `datetime'…'`. */
  datetime(value: Date): string {
    return `datetime'${formatDutchLocal(value)}'`;
  },
  int64(value: bigint | string | number): string {
    return `${int64Text(value)}L`;
  },
  string(value: string): string {
    return `'${value.replaceAll("'", "''")}'`;
  },
  /** An account code padded to 18 characters, as Exact stores it. */
  accountCode(value: string | number): string {
    return literal.string(padAccountCode(value));
  },
  integer(value: number): string {
    if (!Number.isSafeInteger(value)) throw new ExactInputError(`Not an integer: ${value}`, { value });
    return String(value);
  },
  double(value: number): string {
    if (!Number.isFinite(value)) throw new ExactInputError(`Not a finite number: ${value}`, { value });
    return String(value);
  },
  boolean(value: boolean): string {
    return value ? 'true' : 'false';
  },
};

/** Formats a filter value for a catalogue field according to its Edm type. */
export function fieldLiteral(field: ParsedField, value: unknown): string {
  if (value === null) return 'null';
  const wrong = () =>
    new ExactInputError(`Field ${field.name} is Edm.${field.type}; cannot compare it with ${typeof value}`, {
      field: field.name,
      type: field.type,
    });
  switch (field.type) {
    case 'Guid':
      if (typeof value !== 'string') throw wrong();
      return literal.guid(value);
    case 'String':
      if (typeof value !== 'string' && typeof value !== 'number') throw wrong();
      return field.accountCode ? literal.accountCode(value) : literal.string(String(value));
    case 'DateTime':
      if (!(value instanceof Date)) throw wrong();
      return literal.datetime(value);
    case 'Int64':
      if (typeof value !== 'bigint' && typeof value !== 'string' && typeof value !== 'number') throw wrong();
      return literal.int64(value);
    case 'Int16':
    case 'Int32':
    case 'Byte':
      if (typeof value !== 'number') throw wrong();
      return literal.integer(value);
    case 'Double':
      if (typeof value !== 'number') throw wrong();
      return literal.double(value);
    case 'Boolean':
      if (typeof value !== 'boolean') throw wrong();
      return literal.boolean(value);
    case 'Binary':
      throw new ExactInputError(`Field ${field.name} is Edm.Binary and cannot be filtered on`, {
        field: field.name,
      });
    default:
      throw new ExactInputError(`Field ${field.name} is a navigation collection and cannot be filtered on`, {
        field: field.name,
      });
  }
}
