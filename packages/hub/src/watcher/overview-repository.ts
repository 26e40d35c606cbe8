import { sql } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import type { ConnectionStatus, FlowStatus, RunStatus } from '../storage/schema.ts';

export interface ConnectionHealthRow {
  id: string;
  name: string;
  status: ConnectionStatus;
  active: boolean;
}

export interface FlowGlanceRow {
  id: string;
  name: string;
  connectionId: string;
  packageId: string;
  enabled: boolean;
  schedule: string;
  status: FlowStatus;
  lastRunId: string | null;
  lastRunStatus: RunStatus | null;
  lastRunQueuedAt: Date | null;
  lastRunFinishedAt: Date | null;
  openErrors: number;
}

export interface BudgetRow {
  clientId: string;
  division: number;
  divisionName: string | null;
  limit: number;
  remaining: number;
  resetAt: number;
}

export interface HourRow {
  hour: Date;
  rowsMoved: number;
  apiCalls: number;
}

const asDate = (value: unknown): Date | null =>
  value === null || value === undefined ? null : new Date(value as string | Date);

/**
 * The workspace at a glance. Every query is bounded: flows and connections of one workspace,
 * each flow's last run by its id, open errors through the (workspace, status) index, and the
 * hourly series only over runs queued inside the window (the (flow, queued_at) index) — never
 * the whole run history.
 */
export class OverviewRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async #rows<T>(query: ReturnType<typeof sql>): Promise<T[]> {
    return ((await this.#db.execute(query)) as unknown as { rows: T[] }).rows;
  }

  connections(workspaceId: string): Promise<ConnectionHealthRow[]> {
    return this.#rows(sql`
      select id::text, name, status, active from connections
      where workspace_id = ${workspaceId} order by created_at, id`);
  }

  async flows(workspaceId: string): Promise<FlowGlanceRow[]> {
    const rows = await this.#rows<FlowGlanceRow>(sql`
      select f.id::text, f.name, f.connection_id::text as "connectionId", f.package_id as "packageId",
        f.enabled, f.schedule, f.status, r.id::text as "lastRunId", r.status as "lastRunStatus",
        r.queued_at as "lastRunQueuedAt", r.finished_at as "lastRunFinishedAt",
        coalesce(e.open, 0)::int as "openErrors"
      from flows f
      left join flow_runs r on r.id = f.last_run_id
      left join (
        select flow_id, count(*) as open from flow_record_errors
        where workspace_id = ${workspaceId} and status in ('open', 'retrying') group by flow_id
      ) e on e.flow_id = f.id
      where f.workspace_id = ${workspaceId}
      order by f.created_at, f.id`);
    return rows.map((row) => ({
      ...row,
      lastRunQueuedAt: asDate(row.lastRunQueuedAt),
      lastRunFinishedAt: asDate(row.lastRunFinishedAt),
    }));
  }

  /** The daily window Exact last reported per (app, division) of the workspace's apps. */
  budgets(workspaceId: string): Promise<BudgetRow[]> {
    return this.#rows(sql`
      select b.client_id as "clientId", b.division, min(d.description) as "divisionName",
        b.lim as "limit", b.remaining, b.reset_at as "resetAt"
      from (
        select a.id as app_id, a.client_id, split_part(rb.key, ':', 2)::int as division,
          (rb.state->'daily'->>'limit')::int as lim, (rb.state->'daily'->>'remaining')::int as remaining,
          (rb.state->'daily'->>'resetAt')::float8 as reset_at
        from exact_apps a join exact_rate_budgets rb on split_part(rb.key, ':', 1) = a.client_id
        where a.workspace_id = ${workspaceId} and split_part(rb.key, ':', 2) ~ '^[0-9]+$'
          and rb.state->'daily' is not null
      ) b
      left join connections c on c.app_id = b.app_id
      left join connection_divisions d on d.connection_id = c.id and d.code = b.division
      group by b.client_id, b.division, b.lim, b.remaining, b.reset_at
      order by b.division, b.client_id`);
  }

  /** Rows written or deleted and calls to Exact per hour, over runs queued since `since`. */
  async hourly(workspaceId: string, since: Date): Promise<HourRow[]> {
    const rows = await this.#rows<{ hour: unknown; rowsMoved: unknown; apiCalls: unknown }>(sql`
      select date_trunc('hour', rs.finished_at) as hour,
        sum(rs.rows_written + rs.rows_deleted)::float8 as "rowsMoved", sum(rs.api_calls)::float8 as "apiCalls"
      from flows f
      join flow_runs r on r.flow_id = f.id and r.queued_at >= ${since.toISOString()}::timestamptz
      join flow_run_streams rs on rs.run_id = r.id
      where f.workspace_id = ${workspaceId} and rs.finished_at >= ${since.toISOString()}::timestamptz
      group by 1 order by 1`);
    return rows.map((row) => ({
      hour: new Date(row.hour as string | Date),
      rowsMoved: Number(row.rowsMoved),
      apiCalls: Number(row.apiCalls),
    }));
  }
}
