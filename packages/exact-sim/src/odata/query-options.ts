import { ApiError } from './api-error.ts';

export interface QueryParam {
  /** Decoded name, e.g. `$filter`. */
  name: string;
  /** Decoded value. */
  value: string;
}

export interface OrderByTerm {
  field: string;
  descending: boolean;
}

export interface QueryOptions {
  /** Every parameter in the order received (also the non-`$` ones), for echoing in `__next`. */
  params: QueryParam[];
  filter: string | null;
  /** Field names listed in `$select`; `null` without `$select`. */
  select: string[] | null;
  top: number | null;
  skip: number | null;
  orderby: OrderByTerm[];
  expand: string[];
  inlineCount: boolean;
  skiptoken: string | null;
}

const KNOWN = new Set([
  '$filter',
  '$select',
  '$top',
  '$skip',
  '$orderby',
  '$expand',
  '$inlinecount',
  '$skiptoken',
  '$format',
]);

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    throw new ApiError(
      400,
      'invalid_query_option',
      'Bad Request - the query string is not correctly URL-encoded.',
    );
  }
}

function nonNegativeInteger(name: string, value: string): number {
  if (!/^\s*\d+\s*$/.test(value) || Number(value) > 2_147_483_647) {
    throw new ApiError(
      400,
      'invalid_query_option',
      `Invalid value '${value}' for ${name}: it must be a non-negative integer.`,
    );
  }
  return Number(value);
}

function list(value: string): string[] {
  return value
    .split(',')
    .map((part) => part.trim())
    .filter((part) => part !== '');
}

/** Parses the raw query string of an API request into OData options. */
export function parseQueryOptions(rawQuery: string): QueryOptions {
  const options: QueryOptions = {
    params: [],
    filter: null,
    select: null,
    top: null,
    skip: null,
    orderby: [],
    expand: [],
    inlineCount: false,
    skiptoken: null,
  };
  if (rawQuery === '') return options;
  for (const part of rawQuery.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const name = decode(eq < 0 ? part : part.slice(0, eq));
    const value = eq < 0 ? '' : decode(part.slice(eq + 1));
    options.params.push({ name, value });
    if (!name.startsWith('$')) continue;
    if (!KNOWN.has(name)) {
      throw new ApiError(
        400,
        'invalid_query_option',
        `The query parameter '${name}' begins with a system-reserved '$' character but is not recognized.`,
      );
    }
    switch (name) {
      case '$filter':
        options.filter = value;
        break;
      case '$select':
        options.select = list(value);
        break;
      case '$top':
        options.top = nonNegativeInteger(name, value);
        break;
      case '$skip':
        options.skip = nonNegativeInteger(name, value);
        break;
      case '$orderby':
        options.orderby = list(value).map((term) => {
          const [field, direction, extra] = term.split(/\s+/);
          const dir = direction?.toLowerCase();
          if (!field || extra !== undefined || (dir !== undefined && dir !== 'asc' && dir !== 'desc')) {
            throw new ApiError(400, 'query_syntax', 'Bad Request - Error in query syntax.');
          }
          return { field, descending: dir === 'desc' };
        });
        break;
      case '$expand':
        options.expand = list(value);
        break;
      case '$inlinecount':
        if (value !== 'allpages' && value !== 'none') {
          throw new ApiError(
            400,
            'invalid_query_option',
            `Invalid value '${value}' for $inlinecount: use 'allpages' or 'none'.`,
          );
        }
        options.inlineCount = value === 'allpages';
        break;
      case '$skiptoken':
        options.skiptoken = value;
        break;
      case '$format':
        if (value !== 'json') {
          throw new ApiError(
            400,
            'invalid_query_option',
            `Unsupported $format '${value}': the simulator only speaks JSON.`,
          );
        }
        break;
    }
  }
  return options;
}

/** Query-value encoding as Exact writes `__next`: `%20` for spaces, `%3A` for colons, `$ , '` raw. */
export function encodeQueryComponent(text: string): string {
  return encodeURIComponent(text).replace(/%24/g, '$').replace(/%2C/g, ',');
}

/**
 * `__next`: every original option in its original place, `$top` rewritten to the remainder,
 * `$skip` and any old `$skiptoken` dropped, the new `$skiptoken` appended.
 */
export function buildNextLink(
  resourceUrl: string,
  params: QueryParam[],
  remainingTop: number | null,
  skiptoken: string,
): string {
  const parts: string[] = [];
  for (const { name, value } of params) {
    if (name === '$skip' || name === '$skiptoken') continue;
    const v = name === '$top' && remainingTop !== null ? String(remainingTop) : value;
    parts.push(`${encodeQueryComponent(name)}=${encodeQueryComponent(v)}`);
  }
  parts.push(`$skiptoken=${encodeQueryComponent(skiptoken)}`);
  return `${resourceUrl}?${parts.join('&')}`;
}
