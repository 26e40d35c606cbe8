import type { EdmType } from '../catalogue/types.ts';

/** JSON text of an internal value in Exact's verbose OData encoding. */
export type ValueEncoder = (value: unknown) => string;

const guid: ValueEncoder = (v) => (v == null ? 'null' : `"${v as string}"`);
/** Strings without characters JSON must escape (the common case) are quoted directly: faster than JSON.stringify. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters JSON must escape.
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
const string: ValueEncoder = (v) => {
  if (v == null) return 'null';
  const text = v as string;
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
};
const int64: ValueEncoder = (v) => (v == null ? 'null' : `"${v as number}"`);
const number: ValueEncoder = (v) => (v == null ? 'null' : String(v));
const boolean: ValueEncoder = (v) => (v == null ? 'null' : v ? 'true' : 'false');
/** `/Date(ms)/` where ms is Dutch wall-clock time encoded as if UTC (the internal form). */
const dateTime: ValueEncoder = (v) => (v == null ? 'null' : `"/Date(${v as number})/"`);

export function encoderFor(type: EdmType): ValueEncoder {
  switch (type) {
    case 'Edm.Guid':
      return guid;
    case 'Edm.String':
    case 'Edm.Binary':
      return string;
    case 'Edm.Int64':
      return int64;
    case 'Edm.Boolean':
      return boolean;
    case 'Edm.DateTime':
      return dateTime;
    default:
      return number;
  }
}

/** The key as it appears in a resource URL: `guid'…'`, `123L` or a bare integer. */
export function keyLiteral(type: EdmType, value: unknown): string {
  if (type === 'Edm.Guid') return `guid'${value as string}'`;
  if (type === 'Edm.Int64') return `${value as number}L`;
  if (type === 'Edm.String') return `'${String(value).replaceAll("'", "''")}'`;
  return String(value);
}
