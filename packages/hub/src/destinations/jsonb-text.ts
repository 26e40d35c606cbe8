/**
 * JSON text of a record with its keys in the order a `jsonb` stores them: shorter keys first,
 * equal lengths by their UTF-8 bytes. Postgres sorts every object's keys into that order as
 * it parses jsonb; a sorted object it only checks. For a page of records of ~70 keys that
 * sort was a fifth of the destination's COPY (bench:replicate). The text means the same JSON
 * as `JSON.stringify` gives; only the order of the top-level keys differs.
 */
export function jsonbText(record: Record<string, unknown>): string {
  const text = current?.(record);
  if (text !== undefined) return text;
  current = writerFor(record) ?? current;
  return current?.(record) ?? JSON.stringify(record);
}

/** Returns the text, or undefined when the record's keys differ from the compiled ones. */
type Writer = (record: Record<string, unknown>) => string | undefined;

/** Key lists compiled; a source that varies them forever falls back to `JSON.stringify`. */
const MAX_SHAPES = 64;
/** By the record's keys in their own order; `null`: code generation is disabled. */
const writers = new Map<string, Writer | null>();
/** The writer tried first: the records of a page share their keys. */
let current: Writer | undefined;

function jsonbKeyOrder(a: string, b: string): number {
  const left = Buffer.from(a);
  const right = Buffer.from(b);
  return left.length - right.length || Buffer.compare(left, right);
}

/** A value as `JSON.stringify` writes it inside an object (which writes NaN and ±Infinity as null). */
function valueText(value: unknown): string {
  return typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value))
    ? String(value)
    : JSON.stringify(value);
}

/**
 * Compiles the writer of one key list: it checks the record has exactly these keys in this
 * order, then joins pre-escaped `"key":` pieces with each value's text. Keys enter the code
 * only as JSON string literals.
 */
function compile(keys: readonly string[]): Writer {
  const reads = keys.map((key, index) => `const v${index} = record[${JSON.stringify(key)}];`);
  const pieces = [...keys.keys()]
    .sort((a, b) => jsonbKeyOrder(keys[a] as string, keys[b] as string))
    .map((index, position) => {
      const prefix = JSON.stringify(`${position === 0 ? '{' : ','}${JSON.stringify(keys[index])}:`);
      return `${prefix} + (v${index} === null ? 'null' : text(v${index}))`;
    });
  // An undefined value, which JSON.stringify leaves out with its key, is left to it.
  const body = `
    return function writeJsonb(record) {
      let i = 0;
      for (const name in record) if (name !== keys[i++]) return undefined;
      if (i !== ${keys.length}) return undefined;
      ${reads.join('\n')}
      if (${keys.length === 0 ? 'false' : keys.map((_, index) => `v${index} === undefined`).join(' || ')}) return undefined;
      return ${pieces.length === 0 ? "'{'" : pieces.join(' + ')} + '}';
    };`;
  return new Function('keys', 'text', body)(keys, valueText) as Writer;
}

/** The compiled writer of the record's key list, or undefined when none can be had. */
function writerFor(record: Record<string, unknown>): Writer | undefined {
  const keys: string[] = [];
  for (const name in record) keys.push(name);
  const id = keys.join('\u0000');
  let writer = writers.get(id);
  if (writer === undefined && writers.size < MAX_SHAPES) {
    try {
      writer = compile(keys);
    } catch (error) {
      if (!(error instanceof EvalError)) throw error;
      writer = null;
    }
    writers.set(id, writer);
  }
  return writer ?? undefined;
}
