/**
 * Values in Postgres's COPY text format: a backslash, tab, newline or carriage return inside
 * a value is written as an escape, and `\N` is null. Every other character stands for itself.
 */

export const COPY_NULL = '\\N';

const SPECIAL = /[\\\t\n\r]/;
const SPECIALS = /[\\\t\n\r]/g;
const ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' };

/** A text value as COPY reads it back unchanged. */
export function copyText(text: string): string {
  return SPECIAL.test(text) ? text.replace(SPECIALS, (c) => ESCAPES[c] as string) : text;
}

/**
 * JSON text (from `JSON.stringify`, which escapes every control character itself) as a COPY
 * value: only its backslashes need doubling.
 */
export function copyJson(json: string): string {
  return json.includes('\\') ? json.replaceAll('\\', '\\\\') : json;
}

/**
 * A value from a JSON record or the SDK as the input of a typed column: strings as they are,
 * booleans `t`/`f`, numbers in JavaScript's notation (which `numeric` reads), dates as ISO
 * 8601, anything else as JSON. An invalid date stays visible so Postgres refuses the row.
 */
export function copyValue(value: unknown): string {
  if (value === null || value === undefined) return COPY_NULL;
  switch (typeof value) {
    case 'string':
      return copyText(value);
    case 'boolean':
      return value ? 't' : 'f';
    case 'number':
    case 'bigint':
      return String(value);
    default:
      if (value instanceof Date) return isoText(value);
      return copyJson(JSON.stringify(value));
  }
}

/**
 * Dates repeat from record to record (a booking's lines share its date, due date and times
 * of creation), and `toISOString` was a tenth of preparing a page of transaction lines: the
 * texts of recent instants are kept. Cleared, not evicted one by one, when full.
 */
const isoTexts = new Map<number, string>();
const MAX_ISO_TEXTS = 4096;

function isoText(date: Date): string {
  const time = date.getTime();
  let text = isoTexts.get(time);
  if (text === undefined) {
    if (Number.isNaN(time)) return 'invalid date';
    text = date.toISOString();
    if (isoTexts.size === MAX_ISO_TEXTS) isoTexts.clear();
    isoTexts.set(time, text);
  }
  return text;
}
