import { ERROR_CATALOGUE, type ErrorCode, formatMessage } from './error-catalogue.ts';

/**
 * Every error the hub raises on purpose: a code from the catalogue (which gives the HTTP
 * status), a human message that says how to fix it (the catalogue's unless a more specific one
 * is given), and optional details. Messages and details must never contain secrets.
 */
export class HubError extends Error {
  readonly code: ErrorCode;
  readonly status: number;
  readonly details: unknown;

  constructor(code: ErrorCode, message?: string, options: { details?: unknown } = {}) {
    super(message ?? ERROR_CATALOGUE[code].message);
    this.name = 'HubError';
    this.code = code;
    this.status = ERROR_CATALOGUE[code].status;
    this.details = options.details;
  }

  /** The catalogue's message for `code` with its `{placeholders}` filled in. */
  static of(code: ErrorCode, params: Record<string, string | number>, details?: unknown): HubError {
    return new HubError(code, formatMessage(ERROR_CATALOGUE[code].message, params), { details });
  }
}

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
