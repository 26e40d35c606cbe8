import type { RawRecord } from '../catalogue/entity.ts';

/** One page of a collection answer. */
export interface RawPage {
  records: RawRecord[];
  /** Absolute URL of the next page, absent on the last one. */
  next: string | undefined;
  /** `__count` when `$inlinecount=allpages` was asked. */
  count: number | undefined;
}

/**
 * Reads a collection envelope: `{"d":{"results":[…],"__next":…}}` or the bare `{"d":[…]}`
 * some endpoints send for small `$top` values (facts §3.3, §12). Returns undefined when
 * the body is not a collection.
 */
export function readCollection(body: unknown): RawPage | undefined {
  const d = (body as { d?: unknown } | null)?.d;
  if (Array.isArray(d)) return { records: d as RawRecord[], next: undefined, count: undefined };
  if (typeof d !== 'object' || d === null) return undefined;
  const { results, __next, __count } = d as { results?: unknown; __next?: unknown; __count?: unknown };
  if (!Array.isArray(results)) return undefined;
  return {
    records: results as RawRecord[],
    next: typeof __next === 'string' && __next !== '' ? __next : undefined,
    count: __count === undefined ? undefined : Number(__count),
  };
}

/**
 * The `__next` link of a collection's text, read from its end without parsing it: Exact
 * writes it as the last member of `d` (`…],"__next":"…"}}`). Undefined when the text does
 * not end so; `readCollection` stays the authority, this only lets the next page be asked
 * for while this one is parsed.
 */
export function trailingNextLink(text: string): string | undefined {
  const at = text.lastIndexOf(',"__next":');
  if (at < 0) return undefined;
  const tail = text.slice(at + ',"__next":'.length).trimEnd();
  if (!tail.endsWith('}}')) return undefined;
  try {
    const next: unknown = JSON.parse(tail.slice(0, -2));
    return typeof next === 'string' && next !== '' ? next : undefined;
  } catch {
    return undefined;
  }
}

/** Reads a single-entity envelope `{"d":{…}}`. */
export function readSingle(body: unknown): RawRecord | undefined {
  const d = (body as { d?: unknown } | null)?.d;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return undefined;
  if (Array.isArray((d as { results?: unknown }).results)) return undefined;
  return d as RawRecord;
}
