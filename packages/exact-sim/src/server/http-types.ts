// The simulator's own small request/reply model on top of node:http: handlers get the
// whole body as a Buffer and return a reply value; the server writes it (and the Date
// header from the simulated clock) in one place.

export interface SimRequest {
  method: string;
  /** Path without the query, still percent-encoded. */
  path: string;
  /** Query string without `?`, exactly as received. */
  rawQuery: string;
  /** Lower-case header names; repeated headers joined with `, `. */
  headers: Record<string, string | undefined>;
  body: Buffer;
  /** Scheme, host and port the client used. */
  baseUrl: string;
}

export interface Reply {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: string | Buffer;
}

/** Returned by a handler to cut the connection without any answer (a lost reply). */
export const DROP_CONNECTION = Symbol('drop-connection');

export type Outcome = Reply | typeof DROP_CONNECTION;

export type Handler = (request: SimRequest) => Promise<Outcome>;

export function jsonReply(status: number, value: unknown, headers: Record<string, string> = {}): Reply {
  return {
    status,
    headers: { 'Content-Type': 'application/json; charset=utf-8', ...headers },
    body: JSON.stringify(value),
  };
}

export function htmlReply(
  status: number,
  html: string,
  headers: Record<string, string | string[]> = {},
): Reply {
  return { status, headers: { 'Content-Type': 'text/html; charset=utf-8', ...headers }, body: html };
}

export function redirectReply(
  location: string,
  status = 302,
  headers: Record<string, string | string[]> = {},
): Reply {
  return { status, headers: { Location: location, ...headers }, body: '' };
}
