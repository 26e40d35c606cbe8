import { randomUUID } from 'node:crypto';
import { and, asc, desc, eq, inArray, isNull, ne, or, sql } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import {
  type FlowStatus,
  flowRunStreams,
  flowRuns,
  flowStreams,
  flows,
  type RunStatus,
  type RunTrigger,
} from '../storage/schema.ts';
import type { StreamStats } from './stream-stats.ts';

export type FlowRow = typeof flows.$inferSelect;
export type FlowRunRow = typeof flowRuns.$inferSelect;
export type FlowRunStreamRow = typeof flowRunStreams.$inferSelect;
export type FlowStreamRow = typeof flowStreams.$inferSelect;

export interface NewFlow {
  workspaceId: string;
  connectionId: string;
  packageId: string;
  name: string;
  divisions: number[] | null;
  entities: string[];
  destinationId: string | null;
  settings: Record<string, unknown>;
  schedule: string;
  enabled: boolean;
}

/** Flows, their streams, runs and run streams. */
export class FlowsRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async create(input: NewFlow): Promise<FlowRow> {
    const [row] = await this.#db
      .insert(flows)
      .values({ id: randomUUID(), ...input })
      .returning();
    return row!;
  }

  async findById(id: string): Promise<FlowRow | undefined> {
    const [row] = await this.#db.select().from(flows).where(eq(flows.id, id));
    return row;
  }

  listByWorkspace(workspaceId: string): Promise<FlowRow[]> {
    return this.#db
      .select()
      .from(flows)
      .where(eq(flows.workspaceId, workspaceId))
      .orderBy(asc(flows.createdAt));
  }

  listByConnection(connectionId: string): Promise<FlowRow[]> {
    return this.#db
      .select()
      .from(flows)
      .where(eq(flows.connectionId, connectionId))
      .orderBy(asc(flows.createdAt));
  }

  listEnabled(): Promise<FlowRow[]> {
    return this.#db.select().from(flows).where(eq(flows.enabled, true));
  }

  async countUsingDestination(destinationId: string): Promise<number> {
    const [row] = await this.#db
      .select({ n: sql<number>`count(*)::int` })
      .from(flows)
      .where(eq(flows.destinationId, destinationId));
    return row?.n ?? 0;
  }

  async update(
    id: string,
    changes: Partial<Omit<NewFlow, 'workspaceId' | 'connectionId' | 'packageId'>> & {
      status?: FlowStatus;
      lastRunId?: string;
    },
  ): Promise<FlowRow | undefined> {
    const [row] = await this.#db
      .update(flows)
      .set({ ...changes, updatedAt: new Date() })
      .where(eq(flows.id, id))
      .returning();
    return row;
  }

  async delete(id: string): Promise<void> {
    await this.#db.delete(flows).where(eq(flows.id, id));
  }

  streams(flowId: string): Promise<FlowStreamRow[]> {
    return this.#db
      .select()
      .from(flowStreams)
      .where(eq(flowStreams.flowId, flowId))
      .orderBy(asc(flowStreams.division), asc(flowStreams.entity));
  }

  async saveStream(
    flowId: string,
    division: number,
    entity: string,
    changes: { lastRunId?: string; lastStatus?: string; cursor?: unknown; webhookTopic?: string | null },
  ): Promise<void> {
    await this.#db
      .insert(flowStreams)
      .values({ flowId, division, entity, ...changes })
      .onConflictDoUpdate({
        target: [flowStreams.flowId, flowStreams.division, flowStreams.entity],
        set: { ...changes, updatedAt: new Date() },
      });
  }

  async createRun(input: {
    flowId: string;
    trigger: RunTrigger;
    resync: boolean;
    only: string[] | null;
  }): Promise<FlowRunRow> {
    const [row] = await this.#db
      .insert(flowRuns)
      .values({ id: randomUUID(), ...input })
      .returning();
    return row!;
  }

  /**
   * A queued run of the flow that has not started and covers `stream` (every stream when
   * null), for debouncing.
   */
  async queuedRunCovering(flowId: string, stream: string | null): Promise<FlowRunRow | undefined> {
    const [row] = await this.#db
      .select()
      .from(flowRuns)
      .where(
        and(
          eq(flowRuns.flowId, flowId),
          eq(flowRuns.status, 'queued'),
          eq(flowRuns.resync, false),
          stream === null
            ? isNull(flowRuns.only)
            : or(isNull(flowRuns.only), sql`${stream} = any(${flowRuns.only})`),
        ),
      )
      .limit(1);
    return row;
  }

  async findRun(id: string): Promise<FlowRunRow | undefined> {
    const [row] = await this.#db.select().from(flowRuns).where(eq(flowRuns.id, id));
    return row;
  }

  listRuns(flowId: string, limit: number): Promise<FlowRunRow[]> {
    return this.#db
      .select()
      .from(flowRuns)
      .where(eq(flowRuns.flowId, flowId))
      .orderBy(desc(flowRuns.queuedAt))
      .limit(limit);
  }

  /**
   * Marks a run as running here, its heartbeat starting now; false when the run was declared
   * lost meanwhile (an interrupted run stays so: the run that resumes it does the work).
   */
  async startRun(id: string, at: Date): Promise<boolean> {
    const rows = await this.#db
      .update(flowRuns)
      .set({ status: 'running', startedAt: at, finishedAt: null, error: null, heartbeatAt: sql`now()` })
      .where(and(eq(flowRuns.id, id), ne(flowRuns.status, 'interrupted')))
      .returning({ id: flowRuns.id });
    return rows.length > 0;
  }

  /**
   * Renews a running run's heartbeat (the database's clock, the same for every process);
   * false once the run is no longer running (a sweep declared it lost).
   */
  async heartbeat(id: string): Promise<boolean> {
    const rows = await this.#db
      .update(flowRuns)
      .set({ heartbeatAt: sql`now()` })
      .where(and(eq(flowRuns.id, id), eq(flowRuns.status, 'running')))
      .returning({ id: flowRuns.id });
    return rows.length > 0;
  }

  /**
   * Ends a run with its outcome, unless a sweep declared it lost meanwhile (then the run
   * that resumes it reports instead); false in that case.
   */
  async finishRun(id: string, outcome: { status: RunStatus; error: unknown }): Promise<boolean> {
    const rows = await this.#db
      .update(flowRuns)
      .set({ ...outcome, finishedAt: new Date() })
      .where(and(eq(flowRuns.id, id), eq(flowRuns.status, 'running')))
      .returning({ id: flowRuns.id });
    return rows.length > 0;
  }

  /**
   * Marks running runs whose heartbeat is older than `leaseMs` as interrupted and returns
   * them; one statement, so of several processes sweeping at once each run goes to one.
   */
  async interruptLostRuns(leaseMs: number, error: { code: string; message: string }): Promise<FlowRunRow[]> {
    return this.#db
      .update(flowRuns)
      .set({ status: 'interrupted', error, finishedAt: new Date() })
      .where(
        and(
          eq(flowRuns.status, 'running'),
          sql`coalesce(${flowRuns.heartbeatAt}, ${flowRuns.startedAt}) < now() - make_interval(secs => ${leaseMs / 1000})`,
        ),
      )
      .returning();
  }

  async saveRunStream(runId: string, division: number, entity: string, stats: StreamStats): Promise<void> {
    const values = {
      status: stats.status,
      rowsRead: stats.rowsRead,
      rowsWritten: stats.rowsWritten,
      rowsDeleted: stats.rowsDeleted,
      apiCalls: stats.apiCalls,
      cursorBefore: stats.cursorBefore,
      cursorAfter: stats.cursorAfter,
      durationMs: Math.round(stats.durationMs),
      error: stats.error,
      finishedAt: new Date(),
    };
    await this.#db
      .insert(flowRunStreams)
      .values({ runId, division, entity, ...values })
      .onConflictDoUpdate({
        target: [flowRunStreams.runId, flowRunStreams.division, flowRunStreams.entity],
        set: values,
      });
  }

  runStreams(runIds: string[]): Promise<FlowRunStreamRow[]> {
    if (runIds.length === 0) return Promise.resolve([]);
    return this.#db
      .select()
      .from(flowRunStreams)
      .where(inArray(flowRunStreams.runId, runIds))
      .orderBy(asc(flowRunStreams.division), asc(flowRunStreams.entity));
  }
}
