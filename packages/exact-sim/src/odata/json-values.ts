import type { EdmType } from '../catalogue/types.ts';

/**
 * An internal value as the value `JSON.stringify` writes in Exact's verbose OData encoding.
 * Internal values are what `request-body.ts` coerces to and the generators produce: strings
 * for GUIDs and text, finite numbers for numeric types, Int64 and DateTime, booleans.
 */
export type JsonValue = (value: unknown) => string | number | boolean | null;

/** GUIDs, text and Int64 (a JSON string in Exact's encoding: `"128"`); JSON.stringify escapes. */
const string: JsonValue = (v) => (v == null ? null : String(v));
/** Numbers are finite (request-body.ts refuses others): JSON.stringify writes them as String() does. */
const number: JsonValue = (v) => (v == null ? null : (v as number));
const boolean: JsonValue = (v) => (v == null ? null : Boolean(v));
/** `/Date(ms)/` where ms is Dutch wall-clock time encoded as if UTC (the internal form). */
const dateTime: JsonValue = (v) => (v == null ? null : `/Date(${v as number})/`);

/** The converters by name, for code that calls them by name (`row-builder.ts`). */
export const jsonValues = { string, number, boolean, dateTime } as const;

export function jsonValueName(type: EdmType): keyof typeof jsonValues {
  switch (type) {
    case 'Edm.Guid':
    case 'Edm.String':
    case 'Edm.Binary':
    case 'Edm.Int64':
      return 'string';
    case 'Edm.Boolean':
      return 'boolean';
    case 'Edm.DateTime':
      return 'dateTime';
    default:
      return 'number';
  }
}

export function jsonValueFor(type: EdmType): JsonValue {
  return jsonValues[jsonValueName(type)];
}

/** The key as it appears in a resource URL: `guid'…'`, `123L` or a bare integer. */
export function keyLiteral(type: EdmType, value: unknown): string {
  if (type === 'Edm.Guid') return `guid'${value as string}'`;
  if (type === 'Edm.Int64') return `${value as number}L`;
  if (type === 'Edm.String') return `'${String(value).replaceAll("'", "''")}'`;
  return String(value);
}
