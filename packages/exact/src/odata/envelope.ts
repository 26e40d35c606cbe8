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

/** Reads a single-entity envelope `{"d":{…}}`. */
export function readSingle(body: unknown): RawRecord | undefined {
  const d = (body as { d?: unknown } | null)?.d;
  if (typeof d !== 'object' || d === null || Array.isArray(d)) return undefined;
  if (Array.isArray((d as { results?: unknown }).results)) return undefined;
  return d as RawRecord;
}
