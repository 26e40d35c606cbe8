import { and, desc, eq, exists, gte, lte, type SQL } from 'drizzle-orm';
import type { FlowRunRow } from '../flows/flows-repository.ts';
import type { Db } from '../storage/database.ts';
import { flowRunStreams, flowRuns, flows, type RunStatus } from '../storage/schema.ts';

export interface RunFilter {
  status?: RunStatus | undefined;
  flowId?: string | undefined;
  connectionId?: string | undefined;
  division?: number | undefined;
  entity?: string | undefined;
  from?: Date | undefined;
  to?: Date | undefined;
}

/** Runs across a workspace's flows, for the watcher. */
export class RunsRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async list(workspaceId: string, filter: RunFilter, limit: number): Promise<FlowRunRow[]> {
    const conditions: (SQL | undefined)[] = [eq(flows.workspaceId, workspaceId)];
    if (filter.status) conditions.push(eq(flowRuns.status, filter.status));
    if (filter.flowId) conditions.push(eq(flowRuns.flowId, filter.flowId));
    if (filter.connectionId) conditions.push(eq(flows.connectionId, filter.connectionId));
    if (filter.from) conditions.push(gte(flowRuns.queuedAt, filter.from));
    if (filter.to) conditions.push(lte(flowRuns.queuedAt, filter.to));
    if (filter.division !== undefined || filter.entity) {
      const stream: (SQL | undefined)[] = [eq(flowRunStreams.runId, flowRuns.id)];
      if (filter.division !== undefined) stream.push(eq(flowRunStreams.division, filter.division));
      if (filter.entity) stream.push(eq(flowRunStreams.entity, filter.entity));
      conditions.push(
        exists(
          this.#db
            .select({ one: flowRunStreams.runId })
            .from(flowRunStreams)
            .where(and(...stream)),
        ),
      );
    }
    const rows = await this.#db
      .select({ run: flowRuns })
      .from(flowRuns)
      .innerJoin(flows, eq(flows.id, flowRuns.flowId))
      .where(and(...conditions))
      .orderBy(desc(flowRuns.queuedAt), desc(flowRuns.id))
      .limit(limit);
    return rows.map((row) => row.run);
  }

  /** The run, when it belongs to a flow of the workspace. */
  async find(workspaceId: string, runId: string): Promise<FlowRunRow | undefined> {
    const [row] = await this.#db
      .select({ run: flowRuns })
      .from(flowRuns)
      .innerJoin(flows, eq(flows.id, flowRuns.flowId))
      .where(and(eq(flows.workspaceId, workspaceId), eq(flowRuns.id, runId)));
    return row?.run;
  }
}
