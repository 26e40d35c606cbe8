import { randomUUID } from 'node:crypto';
import { and, desc, eq, isNull, sql } from 'drizzle-orm';
import type { Db } from '../storage/database.ts';
import { type AlertChannelKind, alertChannels, alertIncidents } from '../storage/schema.ts';

export type AlertChannelRow = typeof alertChannels.$inferSelect;
export type AlertIncidentRow = typeof alertIncidents.$inferSelect;

/** A condition that holds now: what an incident is opened for. */
export interface AlertCondition {
  workspaceId: string;
  rule: AlertRule;
  subject: string;
  message: string;
}

export const ALERT_RULES = [
  'flow_failing',
  'stream_stale',
  'connection_needs_reauth',
  'destination_unreachable',
  'budget_nearly_spent',
] as const;
export type AlertRule = (typeof ALERT_RULES)[number];

/** Stream error codes that mean the destination database could not be reached or logged into. */
const UNREACHABLE_CODES = [
  'ECONNREFUSED',
  'ENOTFOUND',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  '28P01',
  '28000',
  '3D000',
  '57P03',
];

export interface AlertThresholds {
  failedRuns: number;
  staleHours: number;
  budgetPercent: number;
}

/** Alert channels, incidents, and the SQL that finds every condition the rules watch. */
export class AlertsRepository {
  readonly #db: Db;

  constructor(db: Db) {
    this.#db = db;
  }

  async createChannel(input: {
    id: string;
    workspaceId: string;
    kind: AlertChannelKind;
    target: string;
    secretEnc: string | null;
  }): Promise<AlertChannelRow> {
    const [row] = await this.#db.insert(alertChannels).values(input).returning();
    return row!;
  }

  channels(workspaceId: string): Promise<AlertChannelRow[]> {
    return this.#db
      .select()
      .from(alertChannels)
      .where(eq(alertChannels.workspaceId, workspaceId))
      .orderBy(alertChannels.createdAt);
  }

  async deleteChannel(workspaceId: string, id: string): Promise<boolean> {
    const rows = await this.#db
      .delete(alertChannels)
      .where(and(eq(alertChannels.workspaceId, workspaceId), eq(alertChannels.id, id)))
      .returning({ id: alertChannels.id });
    return rows.length > 0;
  }

  incidents(workspaceId: string, limit: number): Promise<AlertIncidentRow[]> {
    return this.#db
      .select()
      .from(alertIncidents)
      .where(eq(alertIncidents.workspaceId, workspaceId))
      .orderBy(desc(alertIncidents.openedAt))
      .limit(limit);
  }

  openIncidents(): Promise<AlertIncidentRow[]> {
    return this.#db.select().from(alertIncidents).where(isNull(alertIncidents.recoveredAt));
  }

  /** Opens an incident unless one is open for the same rule and subject; the new row, or undefined. */
  async open(condition: AlertCondition, at: Date): Promise<AlertIncidentRow | undefined> {
    const [row] = await this.#db
      .insert(alertIncidents)
      .values({ id: randomUUID(), ...condition, openedAt: at })
      .onConflictDoNothing()
      .returning();
    return row;
  }

  /** Closes an open incident; the row when this call closed it (another process may have). */
  async recover(id: string, at: Date): Promise<AlertIncidentRow | undefined> {
    const [row] = await this.#db
      .update(alertIncidents)
      .set({ recoveredAt: at })
      .where(and(eq(alertIncidents.id, id), isNull(alertIncidents.recoveredAt)))
      .returning();
    return row;
  }

  /** Every condition that holds at `now`, across workspaces. */
  async conditions(now: Date, thresholds: AlertThresholds): Promise<AlertCondition[]> {
    const rows = async (query: ReturnType<typeof sql>) =>
      ((await this.#db.execute(query)) as unknown as { rows: AlertCondition[] }).rows;
    const staleBefore = new Date(now.getTime() - thresholds.staleHours * 3_600_000).toISOString();
    const budgetShare = thresholds.budgetPercent / 100;
    const unreachable = sql.join(
      UNREACHABLE_CODES.map((code) => sql`${code}`),
      sql`, `,
    );
    return [
      ...(await rows(sql`
        select f.workspace_id as "workspaceId", 'flow_failing' as rule, f.id::text as subject,
          'Flow "' || f.name || '" failed its last ' || ${thresholds.failedRuns}::int || ' runs.' as message
        from flows f
        where f.enabled and ${thresholds.failedRuns}::int = (
          select count(*) filter (where r.status = 'failed') from (
            select status from flow_runs where flow_id = f.id and status in ('succeeded', 'failed', 'needs_reauth')
            order by queued_at desc limit ${thresholds.failedRuns}::int) r)`)),
      ...(await rows(sql`
        select f.workspace_id as "workspaceId", 'stream_stale' as rule,
          s.flow_id::text || '/' || s.division || '/' || s.entity as subject,
          'Stream ' || s.division || '/' || s.entity || ' of flow "' || f.name || '" has not succeeded for ' || ${thresholds.staleHours}::int || ' hours.' as message
        from flow_streams s join flows f on f.id = s.flow_id
        where f.enabled and f.created_at < ${staleBefore}::timestamptz and coalesce((
          select max(rs.finished_at) from flow_run_streams rs join flow_runs r on r.id = rs.run_id
          where r.flow_id = s.flow_id and rs.division = s.division and rs.entity = s.entity and rs.status = 'succeeded'
        ), '-infinity') < ${staleBefore}::timestamptz`)),
      ...(await rows(sql`
        select workspace_id as "workspaceId", 'connection_needs_reauth' as rule, id::text as subject,
          'Connection "' || name || '" needs re-authorization: Exact refused its tokens.' as message
        from connections where status = 'needs_reauth' and active`)),
      ...(await rows(sql`
        select f.workspace_id as "workspaceId", 'destination_unreachable' as rule, f.destination_id::text as subject,
          'Destination of flow "' || f.name || '" is unreachable: ' || min(rs.error->>'message') as message
        from flows f join flow_runs r on r.id = f.last_run_id join flow_run_streams rs on rs.run_id = r.id
        where f.destination_id is not null and rs.status = 'failed' and rs.error->>'code' in (${unreachable})
        group by f.workspace_id, f.destination_id, f.name`)),
      ...(await rows(sql`
        select a.workspace_id as "workspaceId", 'budget_nearly_spent' as rule, b.key as subject,
          'Division ' || split_part(b.key, ':', 2) || ' has spent ' || ((b.state->'daily'->>'limit')::int - (b.state->'daily'->>'remaining')::int)
            || ' of its ' || (b.state->'daily'->>'limit') || ' daily API calls.' as message
        from exact_rate_budgets b join exact_apps a on a.client_id = split_part(b.key, ':', 1)
        where split_part(b.key, ':', 2) <> 'me' and (b.state->'daily'->>'limit')::int > 0
          and (b.state->'daily'->>'resetAt')::bigint > ${now.getTime()}::bigint
          and (b.state->'daily'->>'limit')::int - (b.state->'daily'->>'remaining')::int
            >= ${budgetShare}::float8 * (b.state->'daily'->>'limit')::int`)),
    ];
  }
}
