/**
 * Every error the hub raises on purpose is a HubError: a stable machine `code`, a human
 * message that says how to fix it, the HTTP status it maps to, and optional details.
 * Messages and details must never contain secrets.
 */
export class HubError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: unknown;

  constructor(code: string, message: string, options: { status?: number; details?: unknown } = {}) {
    super(message);
    this.name = 'HubError';
    this.code = code;
    this.status = options.status ?? 500;
    this.details = options.details;
  }
}

export const badRequest = (code: string, message: string, details?: unknown) =>
  new HubError(code, message, { status: 400, details });
export const unauthenticated = (
  message = 'Sign in, or send an API token as "Authorization: Bearer <token>".',
) => new HubError('unauthenticated', message, { status: 401 });
export const forbidden = (code: string, message: string) => new HubError(code, message, { status: 403 });
export const notFound = (code: string, message: string) => new HubError(code, message, { status: 404 });
export const conflict = (code: string, message: string) => new HubError(code, message, { status: 409 });

/** Raised when configuration is invalid; `problems` names each variable and how to fix it. */
export class ConfigError extends Error {
  readonly code = 'invalid_config';
  readonly problems: string[];

  constructor(problems: string[]) {
    super(`Koppel configuration is invalid:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
    this.problems = problems;
  }
}
