// Exact Online's OData error body: {"error":{"code":"","message":{"lang":"","value":"…"}}},
// with the optional `Reason` header Exact adds to 401 and 403 answers.
import type { Reply } from './http-types.ts';

export function exactErrorBody(message: string): string {
  return JSON.stringify({ error: { code: '', message: { lang: '', value: message } } });
}

export function exactError(
  status: number,
  message: string,
  reason?: string,
  extra: Record<string, string> = {},
): Reply {
  const headers: Record<string, string> = { 'Content-Type': 'application/json; charset=utf-8', ...extra };
  if (reason !== undefined) headers.Reason = reason;
  return { status, headers, body: exactErrorBody(message) };
}
