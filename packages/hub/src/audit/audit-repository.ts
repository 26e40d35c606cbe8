import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, lt, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { auditLog } from '../storage/schema.ts';
import type { AuditSubject } from './audit-subjects.ts';

export type AuditEntryRow = typeof auditLog.$inferSelect;
export type NewAuditEntry = Omit<typeof auditLog.$inferInsert, 'id'>;

/** The audit log's SQL. */
export class AuditRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async record(entry: NewAuditEntry): Promise<void> {
    await this.#db.insert(auditLog).values({ id: randomUUID(), ...entry });
  }

  /** A workspace's entries, or with `null` the hub's own (sign-up, sign-in, tokens, new workspaces). */
  list(workspaceId: string | null, limit: number, before?: Date): Promise<AuditEntryRow[]> {
    return this.#db
      .select()
      .from(auditLog)
      .where(
        and(
          workspaceId === null ? isNull(auditLog.workspaceId) : eq(auditLog.workspaceId, workspaceId),
          before ? lt(auditLog.at, before) : undefined,
        ),
      )
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(limit);
  }

  /** The subject's row as JSON, or null when there is none (not created yet, or deleted). */
  async subjectRow(subject: AuditSubject, params: Record<string, string>): Promise<unknown> {
    const conditions: SQL[] = Object.entries(subject.key).map(
      ([column, param]) => sql`${sql.identifier(column)}::text = ${params[param] ?? ''}`,
    );
    const result = (await this.#db.execute(
      sql`select row_to_json(t) as row from ${sql.identifier(subject.table)} t where ${sql.join(conditions, sql` and `)}`,
    )) as unknown as { rows: { row: unknown }[] };
    return result.rows[0]?.row ?? null;
  }
}
