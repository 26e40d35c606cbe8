/** The hub's REST API as the dashboard calls it: same-origin cookie session plus the CSRF header. */
import type { ErrorBody, ErrorCode } from './types.ts';

/** The hub's error body, or one the client makes up when the hub did not answer with one. */
export interface ApiErrorBody {
  code: ErrorCode | 'hub_unreachable' | `http_${number}`;
  message: string;
  details?: unknown;
}

/** Every failed call ends up as one of these, so a page can always show the hub's own message. */
export class ApiError extends Error {
  readonly status: number;
  readonly code: ApiErrorBody['code'];
  readonly details: unknown;

  constructor(status: number, body: ApiErrorBody) {
    super(body.message);
    this.name = 'ApiError';
    this.status = status;
    this.code = body.code;
    this.details = body.details;
  }
}

const CSRF_COOKIE = 'koppel_csrf';
const CSRF_HEADER = 'X-Koppel-CSRF';

/** The hub sets the CSRF token as a readable cookie at sign-in; it must be echoed in a header. */
function csrfToken(): string | undefined {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CSRF_COOKIE) return decodeURIComponent(value.join('='));
  }
  return undefined;
}

export async function api<T>(method: string, path: string, body?: unknown): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  // A form (a file upload) sets its own multipart content type with the boundary.
  const form = body instanceof FormData;
  if (body !== undefined && !form) headers['content-type'] = 'application/json';
  const token = method === 'GET' ? undefined : csrfToken();
  if (token) headers[CSRF_HEADER] = token;
  let response: Response;
  try {
    response = await fetch(`/api/v1${path}`, {
      method,
      headers,
      credentials: 'same-origin',
      body: body === undefined ? undefined : form ? body : JSON.stringify(body),
    });
  } catch (cause) {
    throw new ApiError(0, {
      code: 'hub_unreachable',
      message: `The hub did not answer (${(cause as Error).message}); check that it is running.`,
    });
  }
  if (response.status === 204) return undefined as T;
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (!response.ok) {
    const error = (parsed as Partial<ErrorBody> | undefined)?.error;
    throw new ApiError(
      response.status,
      error?.message
        ? error
        : {
            code: `http_${response.status}`,
            message: `The hub answered ${response.status} ${response.statusText} without an explanation.`,
          },
    );
  }
  return parsed as T;
}

export const get = <T>(path: string) => api<T>('GET', path);
export const post = <T>(path: string, body?: unknown) => api<T>('POST', path, body ?? {});
export const put = <T>(path: string, body: unknown) => api<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => api<T>('PATCH', path, body);
export const del = (path: string) => api<void>('DELETE', path);
