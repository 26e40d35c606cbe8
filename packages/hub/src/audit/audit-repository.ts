import { randomUUID } from 'node:crypto';
import { and, desc, eq, lt } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { auditLog } from '../storage/schema.ts';

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

  list(workspaceId: string, limit: number, before?: Date): Promise<AuditEntryRow[]> {
    return this.#db
      .select()
      .from(auditLog)
      .where(and(eq(auditLog.workspaceId, workspaceId), before ? lt(auditLog.at, before) : undefined))
      .orderBy(desc(auditLog.at), desc(auditLog.id))
      .limit(limit);
  }
}
