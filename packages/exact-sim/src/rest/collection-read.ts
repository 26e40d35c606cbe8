import type { EndpointDef } from '../catalogue/endpoints.ts';
import type { EdmType, FieldDef } from '../catalogue/types.ts';
import type { ApiResponse } from '../contract.ts';
import type { DivisionStore } from '../data/division-store.ts';
import type { Row } from '../data/table.ts';
import { ApiError } from '../odata/api-error.ts';
import {
  compileFilter,
  type FieldResolver,
  keyEquality,
  type RowPredicate,
  timestampLowerBound,
} from '../odata/filter-compiler.ts';
import { type FilterExpr, parseFilter } from '../odata/filter-parser.ts';
import { buildNextLink, type QueryOptions } from '../odata/query-options.ts';
import { parseSkipToken, skipTokenLiteral } from '../odata/skiptoken.ts';
import type { DataPlaneBehaviour } from './behaviour.ts';
import { candidateRows, filteredByIndex, orderedByIndex } from './indexed-rows.ts';
import { checkMandatoryFilter } from './mandatory-filtering.ts';
import { compareSortValues, type SortValue, sortValue } from './order-index.ts';
import { pageBody } from './page-body.ts';
import { jsonResponse, textResponse } from './responses.ts';
import type { RowSource } from './row-source.ts';
import { type EntitySerializer, fieldGetter, planSelection, type Selection } from './serializer.ts';

export const STANDARD_PAGE_SIZE = 60;
export const SYNC_PAGE_SIZE = 1000;

export const SELECT_REQUIRED_MESSAGE = 'Please add a $select or a $top=1 statement to the query string.';

export interface CollectionRead {
  endpoint: EndpointDef;
  source: RowSource;
  store: DivisionStore | null;
  /** Absolute URL of the collection, e.g. `http://127.0.0.1:1234/api/v1/7/crm/Accounts`. */
  resourceUrl: string;
  options: QueryOptions;
  behaviour: DataPlaneBehaviour;
  /** Builds the serializer for the selection (with expanded navigation collections). */
  serializer: (selection: Selection) => EntitySerializer;
}

/** Checks the rules that differ between standard, sync and bulk endpoints. */
export function checkEndpointRules(
  endpoint: EndpointDef,
  options: QueryOptions,
  behaviour: DataPlaneBehaviour,
): void {
  const { kind } = endpoint;
  if (kind !== 'standard' && options.skip !== null) {
    throw new ApiError(
      400,
      'invalid_query_option',
      `$skip is not supported on ${endpoint.path}: follow the __next link (it carries a $skiptoken) to page.`,
    );
  }
  const mustSelect =
    kind !== 'standard' || (behaviour.requireSelectOnStandard && endpoint.source.type === 'table');
  if (mustSelect && options.select === null && options.top !== 1) {
    throw new ApiError(400, 'select_required', SELECT_REQUIRED_MESSAGE);
  }
  if (kind === 'sync' && options.select?.includes('*')) {
    throw new ApiError(
      400,
      'select_required',
      '$select=* is not supported on sync endpoints: list the fields you need in $select.',
    );
  }
  if (behaviour.mandatoryFiltering && kind !== 'sync') checkMandatoryFilter(endpoint, options);
  if (kind === 'sync' && options.orderby.length > 0) {
    throw new ApiError(
      400,
      'invalid_query_option',
      `$orderby is not supported on ${endpoint.path}: sync rows always come in ascending Timestamp order.`,
    );
  }
}

/** Resolves filter and order-by field names against the endpoint's entity. */
export function fieldResolver(endpoint: EndpointDef, store: DivisionStore | null): FieldResolver {
  const fields = new Map<string, FieldDef>();
  for (const field of endpoint.entity.fields) if (field.type !== 'nav') fields.set(field.name, field);
  return (name) => {
    const field = fields.get(name);
    if (!field || field.type === 'nav') return undefined;
    return { type: field.type, get: fieldGetter(field, store) };
  };
}

export function compileRequestFilter(
  endpoint: EndpointDef,
  store: DivisionStore | null,
  filter: string | null,
): { predicate: RowPredicate | null; expr: FilterExpr | null } {
  if (filter === null || filter.trim() === '') return { predicate: null, expr: null };
  const expr = parseFilter(filter);
  return { predicate: compileFilter(expr, fieldResolver(endpoint, store), endpoint.entity.typeName), expr };
}

interface OrderPlan {
  terms: { field: string; type: EdmType; get: (row: Row) => unknown; descending: boolean; lookup: boolean }[];
  keyType: EdmType;
}

function planOrder(read: CollectionRead): OrderPlan | null {
  const { options, endpoint, store, source } = read;
  if (options.orderby.length === 0) return null;
  const resolve = fieldResolver(endpoint, store);
  const terms = options.orderby.map((term) => {
    const field = resolve(term.field);
    if (!field) {
      throw new ApiError(
        400,
        'unknown_property',
        `No property '${term.field}' exists in type '${endpoint.entity.typeName}' at position 0.`,
      );
    }
    const lookup = endpoint.entity.fields.some((f) => f.name === term.field && f.lookup !== undefined);
    return { field: term.field, type: field.type, get: field.get, descending: term.descending, lookup };
  });
  return { terms, keyType: source.keyType };
}

/** The `$skiptoken` of an ordered read: the order-by values of the last row, then its key. */
function orderedSkipToken(read: CollectionRead, plan: OrderPlan): { values: unknown[]; key: unknown } | null {
  const token = read.options.skiptoken;
  if (token === null) return null;
  const values = parseSkipToken(token, plan.terms.length + 1);
  const key = values.pop();
  return { values, key };
}

/** Small sources (and derived order-by fields) are sorted in memory on each read. */
function sortedRows(read: CollectionRead, plan: OrderPlan): Iterable<Row> {
  const tupleOf = (row: Row): SortValue[] => [
    ...plan.terms.map((term) => sortValue(term.type, term.get(row))),
    sortValue(plan.keyType, row[read.source.keyField]),
  ];
  const compare = (a: SortValue[], b: SortValue[]): number => {
    for (let t = 0; t < a.length; t++) {
      const c = compareSortValues(a[t] as SortValue, b[t] as SortValue);
      if (c !== 0) return plan.terms[t]?.descending ? -c : c;
    }
    return 0;
  };
  const entries = [...read.source.all()].map((row) => ({ row, tuple: tupleOf(row) }));
  entries.sort((a, b) => compare(a.tuple, b.tuple));
  const after = orderedSkipToken(read, plan);
  if (!after) return entries.map((entry) => entry.row);
  const position = [...after.values, after.key].map((value, t) =>
    sortValue(t < plan.terms.length ? (plan.terms[t]?.type as EdmType) : plan.keyType, value),
  );
  return entries.filter((entry) => compare(position, entry.tuple) < 0).map((entry) => entry.row);
}

/** The rows an ordered read walks, from the `$skiptoken` on. */
function orderedRows(
  read: CollectionRead,
  plan: OrderPlan,
  expr: FilterExpr | null,
  pageSize: number,
): Iterable<Row> {
  const table = read.source.table;
  if (!table || plan.terms.some((term) => term.lookup)) return sortedRows(read, plan);
  return orderedByIndex(
    table,
    plan.terms.map(({ field, type, descending }) => ({ field, type, descending })),
    expr,
    orderedSkipToken(read, plan),
    pageSize + (read.options.skip ?? 0),
  );
}

/** Fields of the entity an index can narrow a filter on: stored on the row, not derived. */
function indexableFields(endpoint: EndpointDef): { field: string; type: EdmType }[] {
  return endpoint.entity.fields
    .filter((f) => f.type !== 'nav' && f.lookup === undefined)
    .map((f) => ({ field: f.name, type: f.type as EdmType }));
}

function skipTokenFor(read: CollectionRead, plan: OrderPlan | null, row: Row): string {
  const key = skipTokenLiteral(read.source.keyType, row[read.source.keyField]);
  if (!plan) return key;
  return [...plan.terms.map((term) => skipTokenLiteral(term.type, term.get(row))), key].join(',');
}

/** Serves a GET on a collection: filter, order, page, envelope and `__next`. */
export function readCollection(read: CollectionRead): ApiResponse {
  const { options, endpoint, behaviour } = read;
  checkEndpointRules(endpoint, options, behaviour);
  const selection = planSelection(endpoint.entity, options.select, options.expand);
  const serializer = read.serializer(selection);
  const { predicate, expr } = compileRequestFilter(endpoint, read.store, options.filter);
  const plan = planOrder(read);
  const pageSize = endpoint.kind === 'standard' ? STANDARD_PAGE_SIZE : SYNC_PAGE_SIZE;

  const top = options.top;
  const limit = top === null ? pageSize : Math.min(pageSize, top);
  let rows: Iterable<Row>;
  if (plan) {
    rows = orderedRows(read, plan, expr, limit);
  } else {
    let afterKey: unknown;
    if (options.skiptoken !== null) [afterKey] = parseSkipToken(options.skiptoken, 1);
    const pinned = read.source.byKey ? keyEquality(expr, read.source.keyField) : undefined;
    const table = read.source.table;
    if (pinned !== undefined && afterKey === undefined) {
      // `ID eq guid'…'`: one lookup instead of a scan of a possibly huge table.
      const row = read.source.byKey?.(pinned);
      rows = row ? [row] : [];
    } else {
      const indexed =
        table && expr ? filteredByIndex(table, indexableFields(endpoint), expr, afterKey, pageSize) : null;
      const lower = endpoint.kind === 'sync' ? timestampLowerBound(expr) : Number.NEGATIVE_INFINITY;
      rows = indexed ?? read.source.rows(afterKey, lower);
    }
  }

  let toSkip = options.skip ?? 0;
  const results: Record<string, unknown>[] = [];
  let last: Row | null = null;
  let more = false;
  for (const row of rows) {
    if (predicate && !predicate(row)) continue;
    if (toSkip > 0) {
      toSkip--;
      continue;
    }
    if (results.length === limit) {
      more = true;
      break;
    }
    results.push(serializer.object(row));
    last = row;
  }
  const remaining = top === null ? null : top - results.length;
  const hasNext = more && last !== null && (remaining === null || remaining > 0);

  if (
    behaviour.bareArrayForSmallTop &&
    endpoint.kind === 'standard' &&
    endpoint.source.type !== 'me' &&
    top !== null &&
    top <= pageSize &&
    !options.inlineCount
  ) {
    return jsonResponse(200, pageBody('{"d":[', results, ']}'));
  }
  // Properties in the order one JSON.stringify of `{ d: { __count, results, __next } }` writes them.
  const count = options.inlineCount
    ? `"__count":${JSON.stringify(String(countMatches(read, predicate, expr)))},`
    : '';
  const next = hasNext
    ? `,"__next":${JSON.stringify(buildNextLink(read.resourceUrl, options.params, remaining, skipTokenFor(read, plan, last as Row)))}`
    : '';
  return jsonResponse(200, pageBody(`{"d":{${count}"results":[`, results, `]${next}}}`));
}

function countMatches(read: CollectionRead, predicate: RowPredicate | null, expr: FilterExpr | null): number {
  if (!predicate) return read.source.size();
  const table = read.source.table;
  const rows = (table && candidateRows(table, indexableFields(read.endpoint), expr)) ?? read.source.all();
  let count = 0;
  for (const row of rows) if (predicate(row)) count++;
  return count;
}

/** `…/$count`: the number of matching rows as plain text. */
export function countCollection(read: CollectionRead): ApiResponse {
  const { options, endpoint } = read;
  if (endpoint.kind !== 'standard' && options.skip !== null)
    checkEndpointRules(endpoint, options, read.behaviour);
  const { predicate, expr } = compileRequestFilter(endpoint, read.store, options.filter);
  let count = countMatches(read, predicate, expr);
  if (options.skip !== null) count = Math.max(0, count - options.skip);
  if (options.top !== null) count = Math.min(count, options.top);
  return textResponse(200, String(count));
}
