import type { Logger } from 'pino';
import type { AuditEntryRow, AuditRepository, NewAuditEntry } from './audit-repository.ts';

/** Body keys whose values never enter the log (secrets, credentials, one-time codes). */
const SECRET_KEY = /secret|password|token|connectionstring|^code$|recovery|totp/i;

/** Postgres text and jsonb cannot hold NUL, and a refused body is exactly what may carry one. */
const storable = (text: string) => text.replaceAll('\u0000', '\uFFFD');

/** The body with every secret-looking value replaced, however deep, and NUL made storable. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value === 'string') return storable(value);
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      storable(key),
      SECRET_KEY.test(key) ? '[redacted]' : redactSecrets(inner),
    ]),
  );
}

/** Records state-changing requests; a failing write is logged, never fails the request it describes. */
export class AuditService {
  readonly #repository: AuditRepository;
  readonly #logger: Logger;

  constructor(deps: { repository: AuditRepository; logger: Logger }) {
    this.#repository = deps.repository;
    this.#logger = deps.logger;
  }

  async record(entry: NewAuditEntry): Promise<void> {
    try {
      await this.#repository.record({ ...entry, changes: redactSecrets(entry.changes ?? null) });
    } catch (error) {
      this.#logger.error(
        // Through the error serializer, which leaves out the query's parameters.
        { action: entry.action, err: error },
        'audit entry not written',
      );
    }
  }

  list(workspaceId: string, limit: number, before?: Date): Promise<AuditEntryRow[]> {
    return this.#repository.list(workspaceId, limit, before);
  }
}
