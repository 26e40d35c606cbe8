// Exact's "mandatory filtering" (exact-online-api.md §1.7, §4, §5): since July 2021 standard and
// bulk endpoints that have a sync twin refuse unfiltered collection reads, steering full
// downloads to the sync API. Behind `behaviour.mandatoryFiltering` because how Exact applies it
// (which filters count, the exact message) is UNCONFIRMED.
import { type EndpointDef, endpointsByPath } from '../catalogue/endpoints.ts';
import { ApiError } from '../odata/api-error.ts';
import type { QueryOptions } from '../odata/query-options.ts';

const twinCache = new Map<EndpointDef, EndpointDef | null>();

function sameRows(a: EndpointDef, b: EndpointDef): boolean {
  const x = a.source;
  const y = b.source;
  if (x.type !== 'table') return false;
  return (y.type === 'table' && y.table === x.table) || (y.type === 'lines' && y.lines === x.table);
}

/** The sync endpoint replicating the same records: `sync/{Service}/{Entity}` by name, else by table. */
export function syncTwinOf(endpoint: EndpointDef): EndpointDef | null {
  const cached = twinCache.get(endpoint);
  if (cached !== undefined) return cached;
  let twin: EndpointDef | null = null;
  if (endpoint.kind !== 'sync') {
    const bare = endpoint.kind === 'bulk' ? endpoint.path.slice('bulk/'.length) : endpoint.path;
    twin = endpointsByPath.get(`sync/${bare}`.toLowerCase()) ?? null;
    if (!twin) {
      for (const candidate of endpointsByPath.values()) {
        if (candidate.kind === 'sync' && sameRows(endpoint, candidate)) {
          twin = candidate;
          break;
        }
      }
    }
  }
  twinCache.set(endpoint, twin);
  return twin;
}

/** Refuses an unfiltered collection read of an endpoint that has a sync twin. */
export function checkMandatoryFilter(endpoint: EndpointDef, options: QueryOptions): void {
  if (options.filter !== null && options.filter.trim() !== '') return;
  const twin = syncTwinOf(endpoint);
  if (!twin) return;
  throw new ApiError(
    400,
    'filter_required',
    `Mandatory filtering: add a $filter to the query string of ${endpoint.path}. To download all records, use ${twin.path} with $filter=Timestamp gt …L.`,
  );
}
