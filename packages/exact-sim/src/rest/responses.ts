import type { ApiResponse } from '../contract.ts';
import type { ApiError } from '../odata/api-error.ts';

const JSON_TYPE = 'application/json;charset=utf-8';

export function jsonResponse(
  status: number,
  body: string | Buffer,
  headers: Record<string, string> = {},
): ApiResponse {
  return { status, headers: { 'content-type': JSON_TYPE, ...headers }, body };
}

export function textResponse(status: number, body: string): ApiResponse {
  return { status, headers: { 'content-type': 'text/plain;charset=utf-8' }, body };
}

export function emptyResponse(status: number): ApiResponse {
  return { status, headers: {}, body: '' };
}

/** Exact's OData error body: `{"error":{"code":"","message":{"lang":"","value":"…"}}}`. */
export function errorResponse(error: ApiError): ApiResponse {
  const body = JSON.stringify({ error: { code: '', message: { lang: '', value: error.message } } });
  return jsonResponse(error.status, body);
}
