import type { Logger } from 'pino';
import type { AuditEntryRow, AuditRepository, NewAuditEntry } from './audit-repository.ts';
import type { AuditSubject } from './audit-subjects.ts';

/**
 * Keys whose values never enter the log: secrets, credentials, one-time codes, and in rows
 * sealed columns (`*_enc`) and hashes.
 */
const SECRET_KEY = /secret|password|token|connectionstring|^code$|recovery|totp|_enc$|hash/i;
/** One-time tokens and signing secrets inside other text (an invitation link holds its token). */
const TOKEN_IN_TEXT = /\b(kp[a-z]_|whsec_)[A-Za-z0-9_-]+/g;

/** Postgres text and jsonb cannot hold NUL, and a refused body is exactly what may carry one. */
const storable = (text: string) => text.replaceAll('\u0000', '\uFFFD');

/** The body with every secret-looking value replaced, however deep, and NUL made storable. */
export function redactSecrets(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redactSecrets);
  if (typeof value === 'string') return storable(value).replace(TOKEN_IN_TEXT, '$1[redacted]');
  if (value === null || typeof value !== 'object') return value;
  return Object.fromEntries(
    Object.entries(value).map(([key, inner]) => [
      storable(key),
      SECRET_KEY.test(key) ? '[redacted]' : redactSecrets(inner),
    ]),
  );
}

/**
 * Before and after with secrets redacted; a secret the change replaced shows as
 * `[redacted, changed]` after, so the log says that it changed without saying what to.
 */
function redactedChange(before: unknown, after: unknown): { before: unknown; after: unknown } {
  const redactedAfter = redactSecrets(after);
  if (!isRecord(before) || !isRecord(after) || !isRecord(redactedAfter))
    return { before: redactSecrets(before), after: redactedAfter };
  for (const key of Object.keys(after)) {
    if (SECRET_KEY.test(key) && JSON.stringify(before[key]) !== JSON.stringify(after[key]))
      redactedAfter[key] = '[redacted, changed]';
  }
  return { before: redactSecrets(before), after: redactedAfter };
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

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
      await this.#repository.record({
        ...entry,
        changes: redactSecrets(entry.changes ?? null),
        ...redactedChange(entry.before ?? null, entry.after ?? null),
      });
    } catch (error) {
      this.#logger.error(
        // Through the error serializer, which leaves out the query's parameters.
        { action: entry.action, err: error },
        'audit entry not written',
      );
    }
  }

  /** A workspace's entries, or with `null` the hub's own. */
  list(workspaceId: string | null, limit: number, before?: Date): Promise<AuditEntryRow[]> {
    return this.#repository.list(workspaceId, limit, before);
  }

  subjectRow(subject: AuditSubject, params: Record<string, string>): Promise<unknown> {
    return this.#repository.subjectRow(subject, params);
  }
}
