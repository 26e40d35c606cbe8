import { randomUUID } from 'node:crypto';
import { and, asc, count, desc, eq, inArray, max, min, ne, type SQL, sql } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { flowRecordErrors, type RecordErrorStatus } from '../storage/schema.ts';
import type { RecordFailure } from './record-failure.ts';

export type RecordErrorRow = typeof flowRecordErrors.$inferSelect;

export interface RecordErrorFilter {
  status?: RecordErrorStatus | undefined;
  /** Open or retrying (not resolved). */
  unresolved?: boolean | undefined;
  flowId?: string | undefined;
  runId?: string | undefined;
  division?: number | undefined;
  entity?: string | undefined;
  message?: string | undefined;
  ids?: readonly string[] | undefined;
}

export interface RecordErrorGroup {
  flowId: string;
  entity: string;
  code: string;
  message: string;
  count: number;
  firstAt: Date;
  lastAt: Date;
}

/** Per-record errors of flows: recorded by runs, retried and resolved from the watcher. */
export class RecordErrorsRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  /**
   * Records a stream's failed records: a record that already has an unresolved error gets
   * that error updated (new run, message, payload, one more attempt) instead of a second one.
   */
  async record(
    stream: { workspaceId: string; flowId: string; runId: string; division: number; entity: string },
    failures: readonly RecordFailure[],
  ): Promise<void> {
    if (failures.length === 0) return;
    const latest = new Map(failures.map((failure) => [failure.key, failure]));
    await this.#db
      .insert(flowRecordErrors)
      .values(
        [...latest.values()].map((failure) => ({
          id: randomUUID(),
          ...stream,
          recordKey: failure.key,
          recordLabel: failure.label,
          code: failure.code,
          message: failure.message,
          reason: failure.reason,
          payload: failure.payload ?? null,
        })),
      )
      .onConflictDoUpdate({
        target: [
          flowRecordErrors.flowId,
          flowRecordErrors.division,
          flowRecordErrors.entity,
          flowRecordErrors.recordKey,
        ],
        targetWhere: ne(flowRecordErrors.status, 'resolved'),
        set: {
          runId: sql`excluded.run_id`,
          recordLabel: sql`excluded.record_label`,
          code: sql`excluded.code`,
          message: sql`excluded.message`,
          reason: sql`excluded.reason`,
          payload: sql`excluded.payload`,
          status: 'open',
          attempts: sql`${flowRecordErrors.attempts} + 1`,
          updatedAt: sql`now()`,
        },
      });
  }

  /** The stream's errors waiting for a retry. */
  retrying(flowId: string, division: number, entity: string): Promise<RecordErrorRow[]> {
    return this.#db
      .select()
      .from(flowRecordErrors)
      .where(
        and(
          eq(flowRecordErrors.flowId, flowId),
          eq(flowRecordErrors.division, division),
          eq(flowRecordErrors.entity, entity),
          eq(flowRecordErrors.status, 'retrying'),
        ),
      )
      .orderBy(asc(flowRecordErrors.createdAt));
  }

  list(workspaceId: string, filter: RecordErrorFilter, limit: number): Promise<RecordErrorRow[]> {
    return this.#db
      .select()
      .from(flowRecordErrors)
      .where(this.#where(workspaceId, filter))
      .orderBy(desc(flowRecordErrors.updatedAt), desc(flowRecordErrors.id))
      .limit(limit);
  }

  async groups(workspaceId: string, filter: RecordErrorFilter): Promise<RecordErrorGroup[]> {
    return this.#db
      .select({
        flowId: flowRecordErrors.flowId,
        entity: flowRecordErrors.entity,
        code: flowRecordErrors.code,
        message: flowRecordErrors.message,
        count: count(),
        firstAt: min(flowRecordErrors.createdAt),
        lastAt: max(flowRecordErrors.updatedAt),
      })
      .from(flowRecordErrors)
      .where(this.#where(workspaceId, filter))
      .groupBy(
        flowRecordErrors.flowId,
        flowRecordErrors.entity,
        flowRecordErrors.code,
        flowRecordErrors.message,
      )
      .orderBy(desc(count()))
      .then((rows) =>
        rows.map((row) => ({ ...row, firstAt: row.firstAt as Date, lastAt: row.lastAt as Date })),
      );
  }

  /** Moves the matching errors to `status` and returns them; resolving records who and how. */
  async setStatus(
    workspaceId: string,
    filter: RecordErrorFilter,
    status: RecordErrorStatus,
    resolution?: { by: string | null; how: 'retried' | 'manual' },
  ): Promise<RecordErrorRow[]> {
    return this.#db
      .update(flowRecordErrors)
      .set({
        status,
        updatedAt: sql`now()`,
        ...(resolution
          ? { resolution: resolution.how, resolvedBy: resolution.by, resolvedAt: sql`now()` }
          : {}),
      })
      .where(this.#where(workspaceId, filter))
      .returning();
  }

  /** Marks retried errors resolved by the retry that moved them. */
  async resolveRetried(ids: readonly string[], runId: string): Promise<void> {
    if (ids.length === 0) return;
    await this.#db
      .update(flowRecordErrors)
      .set({
        status: 'resolved',
        resolution: 'retried',
        runId,
        resolvedAt: sql`now()`,
        updatedAt: sql`now()`,
      })
      .where(inArray(flowRecordErrors.id, [...ids]));
  }

  /** Open errors per flow (for the home page and the alerts). */
  async openCounts(workspaceId: string): Promise<Map<string, number>> {
    const rows = await this.#db
      .select({ flowId: flowRecordErrors.flowId, count: count() })
      .from(flowRecordErrors)
      .where(and(eq(flowRecordErrors.workspaceId, workspaceId), ne(flowRecordErrors.status, 'resolved')))
      .groupBy(flowRecordErrors.flowId);
    return new Map(rows.map((row) => [row.flowId, row.count]));
  }

  #where(workspaceId: string, filter: RecordErrorFilter): SQL | undefined {
    const conditions: (SQL | undefined)[] = [eq(flowRecordErrors.workspaceId, workspaceId)];
    if (filter.status) conditions.push(eq(flowRecordErrors.status, filter.status));
    if (filter.unresolved) conditions.push(ne(flowRecordErrors.status, 'resolved'));
    if (filter.flowId) conditions.push(eq(flowRecordErrors.flowId, filter.flowId));
    if (filter.runId) conditions.push(eq(flowRecordErrors.runId, filter.runId));
    if (filter.division !== undefined) conditions.push(eq(flowRecordErrors.division, filter.division));
    if (filter.entity) conditions.push(eq(flowRecordErrors.entity, filter.entity));
    if (filter.message) conditions.push(eq(flowRecordErrors.message, filter.message));
    if (filter.ids) conditions.push(inArray(flowRecordErrors.id, [...filter.ids]));
    return and(...conditions);
  }
}
