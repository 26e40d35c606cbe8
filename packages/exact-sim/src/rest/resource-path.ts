import { ApiError } from '../odata/api-error.ts';

export interface ResourcePath {
  /** Endpoint path, e.g. `crm/Accounts`. */
  path: string;
  /** Raw key literal between the parentheses (`guid'…'`, `123`), or null for the collection. */
  key: string | null;
  /** Navigation property after the key (`…(guid'…')/SalesInvoiceLines`), or null. */
  nav: string | null;
  /** `…/$count`. */
  count: boolean;
}

/** Splits `crm/Accounts(guid'…')`, `crm/Accounts/$count`, `salesinvoice/SalesInvoices(guid'…')/SalesInvoiceLines`. */
export function parseResourcePath(resource: string): ResourcePath {
  let rest = resource.replace(/^\/+|\/+$/g, '');
  let count = false;
  if (rest.endsWith('/$count')) {
    count = true;
    rest = rest.slice(0, -'/$count'.length);
  }
  const open = rest.indexOf('(');
  if (open < 0) return { path: rest, key: null, nav: null, count };
  const close = rest.indexOf(')', open);
  if (close < 0) throw new ApiError(400, 'query_syntax', 'Bad Request - Error in query syntax.');
  const after = rest.slice(close + 1);
  if (after !== '' && !/^\/[A-Za-z]+$/.test(after)) {
    throw new ApiError(404, 'not_found', `Resource not found for the segment '${after.slice(1)}'.`);
  }
  return {
    path: rest.slice(0, open),
    key: rest.slice(open + 1, close),
    nav: after === '' ? null : after.slice(1),
    count,
  };
}
