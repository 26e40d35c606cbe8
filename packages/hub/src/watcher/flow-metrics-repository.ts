import { sql } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';

/** What /metrics shows per stream, summed over the stream's divisions (labels stay few). */
export interface StreamMetric {
  flow: string;
  package: string;
  entity: string;
  rowsRead: number;
  rowsWritten: number;
  rowsDeleted: number;
  apiCalls: number;
  failedRuns: number;
  /** Null while the stream never succeeded. */
  lastSuccess: Date | null;
  openErrors: number;
}

/** The SQL behind the per-flow and per-stream series on /metrics. */
export class FlowMetricsRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async streams(): Promise<StreamMetric[]> {
    const result = (await this.#db.execute(sql`
      select f.id::text as flow, f.package_id as package, rs.entity,
        sum(rs.rows_read)::float8 as "rowsRead", sum(rs.rows_written)::float8 as "rowsWritten",
        sum(rs.rows_deleted)::float8 as "rowsDeleted", sum(rs.api_calls)::float8 as "apiCalls",
        count(*) filter (where rs.status = 'failed')::int as "failedRuns",
        max(rs.finished_at) filter (where rs.status = 'succeeded') as "lastSuccess",
        (select count(*)::int from flow_record_errors e
          where e.flow_id = f.id and e.entity = rs.entity and e.status <> 'resolved') as "openErrors"
      from flow_run_streams rs join flow_runs r on r.id = rs.run_id join flows f on f.id = r.flow_id
      group by f.id, f.package_id, rs.entity`)) as unknown as { rows: StreamMetric[] };
    return result.rows.map((row) => ({
      ...row,
      lastSuccess: row.lastSuccess === null ? null : new Date(row.lastSuccess),
    }));
  }
}
