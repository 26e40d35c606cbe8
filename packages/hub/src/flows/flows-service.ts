import { CronExpressionParser } from 'cron-parser';
import type { Logger } from 'pino';
import { z } from 'zod';
import type { ConnectionRow, ConnectionsRepository } from '../connections/connections-repository.ts';
import type { ExactAccess } from '../connections/exact-access.ts';
import type { DestinationsService } from '../destinations/destinations-service.ts';
import { quoteIdent } from '../destinations/sql-identifier.ts';
import { HubError } from '../errors/hub-error.ts';
import type { JobQueue } from '../jobs/job-queue.ts';
import type { RunTrigger } from '../storage/schema.ts';
import type { FlowPackage } from './flow-package.ts';
import type { FlowWebhooks } from './flow-webhooks.ts';
import type { FlowJobDefinitions } from './flows-jobs.ts';
import type { FlowRow, FlowRunRow, FlowRunStreamRow, FlowsRepository } from './flows-repository.ts';
import { packageById } from './package-registry.ts';
import { RUN_LEASE_MS, WORKER_LOST } from './run-lease.ts';
import type { SecretSettings } from './secret-settings.ts';

/** Every 15 minutes (issue 8's default). */
export const DEFAULT_SCHEDULE = '*/15 * * * *';

export interface FlowInput {
  packageId: string;
  name?: string | undefined;
  divisions?: number[] | null | undefined;
  entities?: string[] | undefined;
  destinationId?: string | null | undefined;
  settings?: Record<string, unknown> | undefined;
  schedule?: string | undefined;
  enabled?: boolean | undefined;
}

export interface ReplicaTableInfo {
  schema: string;
  table: string;
  entity: string;
  /** False until the flow's first run created it. */
  exists: boolean;
  rows: number;
  /** Soft-deleted rows (`_deleted_at` set). */
  deletedRows: number;
}

export type FlowChanges = Omit<FlowInput, 'packageId'>;

/** `division/entity`, how a run names the streams it is limited to. */
export function streamKey(division: number, entity: string): string {
  return `${division}/${entity}`;
}

export function requirePackage(id: string): FlowPackage {
  const pkg = packageById(id);
  if (!pkg) throw new HubError('package_not_found', `No package "${id}"; GET /api/v1/packages lists them.`);
  return pkg;
}

/** Checks a five-field cron expression (UTC) and returns it. */
export function checkSchedule(schedule: string): string {
  const fields = schedule.trim().split(/\s+/);
  try {
    if (fields.length !== 5) throw new Error('five fields expected');
    CronExpressionParser.parse(schedule, { tz: 'UTC' });
  } catch (error) {
    throw new HubError(
      'invalid_schedule',
      `schedule must be a five-field cron expression in UTC such as "${DEFAULT_SCHEDULE}" (${(error as Error).message}).`,
    );
  }
  return fields.join(' ');
}

/** The rules of flows: what a flow may contain, and asking for runs. */
export class FlowsService {
  readonly repository: FlowsRepository;
  readonly #secretSettings: SecretSettings;
  readonly #destinations: DestinationsService;
  readonly #connections: ConnectionsRepository;
  readonly #queue: JobQueue;
  readonly #jobs: FlowJobDefinitions;
  readonly #webhooks: FlowWebhooks;
  readonly #exact: ExactAccess;
  readonly #logger: Logger;

  constructor(deps: {
    repository: FlowsRepository;
    destinations: DestinationsService;
    connections: ConnectionsRepository;
    queue: JobQueue;
    jobs: FlowJobDefinitions;
    webhooks: FlowWebhooks;
    exact: ExactAccess;
    logger: Logger;
    secretSettings: SecretSettings;
  }) {
    this.repository = deps.repository;
    this.#secretSettings = deps.secretSettings;
    this.#destinations = deps.destinations;
    this.#connections = deps.connections;
    this.#queue = deps.queue;
    this.#jobs = deps.jobs;
    this.#webhooks = deps.webhooks;
    this.#exact = deps.exact;
    this.#logger = deps.logger;
  }

  listByWorkspace(workspaceId: string): Promise<FlowRow[]> {
    return this.repository.listByWorkspace(workspaceId);
  }

  listByConnection(connectionId: string): Promise<FlowRow[]> {
    return this.repository.listByConnection(connectionId);
  }

  /** A run with what each of its streams did. */
  async runDetail(run: FlowRunRow): Promise<{ run: FlowRunRow; streams: FlowRunStreamRow[] }> {
    return { run, streams: await this.repository.runStreams([run.id]) };
  }

  async listRuns(flow: FlowRow, limit: number): Promise<{ run: FlowRunRow; streams: FlowRunStreamRow[] }[]> {
    const runs = await this.repository.listRuns(flow.id, limit);
    const streams = await this.repository.runStreams(runs.map((run) => run.id));
    return runs.map((run) => ({ run, streams: streams.filter((stream) => stream.runId === run.id) }));
  }

  /**
   * The schedule's tick: queues a run unless the flow is off. A connection that must be
   * authorized again puts the flow in `needs_reauth` without a run; the first tick after the
   * user re-authorizes runs it again from every stream's committed cursor.
   */
  async runOnSchedule(flowId: string): Promise<FlowRunRow | undefined> {
    const flow = await this.repository.findById(flowId);
    if (!flow?.enabled) return undefined;
    try {
      await this.#exact.connectionClient(flow.connectionId);
    } catch (error) {
      if (error instanceof HubError && error.code === 'connection_unavailable') {
        // Switched off or never authorized is the user's choice; refused tokens are a problem to show.
        const connection = await this.#connections.findById(flow.connectionId);
        if (connection?.status === 'needs_reauth')
          await this.repository.update(flow.id, { status: 'needs_reauth' });
        this.#logger.warn({ flowId, reason: error.message }, 'scheduled flow run skipped');
        return undefined;
      }
      throw error;
    }
    if (
      this.#webhooks.wanted(flow) &&
      !(await this.repository.streams(flow.id)).some((s) => s.webhookTopic)
    ) {
      // Subscriptions wait for an authorized connection; this is the first tick that has one.
      await this.#queue.send(this.#jobs.webhooks, { flowId: flow.id });
    }
    return this.requestRun(flow, { trigger: 'schedule' });
  }

  /**
   * Marks runs whose worker stopped renewing their heartbeat as interrupted and queues, for
   * each, a run of the same streams that resumes from their committed cursors.
   */
  async resumeLostRuns(): Promise<FlowRunRow[]> {
    const resumed: FlowRunRow[] = [];
    for (const lost of await this.repository.interruptLostRuns(RUN_LEASE_MS, WORKER_LOST)) {
      const flow = await this.repository.findById(lost.flowId);
      if (!flow) continue;
      const run = await this.requestRun(flow, { trigger: 'retry', resync: lost.resync, only: lost.only });
      this.#logger.warn({ flowId: flow.id, runId: lost.id, resumedBy: run.id }, 'lost flow run resumed');
      resumed.push(run);
    }
    return resumed;
  }

  /** The flow's tables in its destination with their row counts (the Data page). */
  async tables(flow: FlowRow): Promise<ReplicaTableInfo[]> {
    const pkg = requirePackage(flow.packageId);
    const tables = pkg.tables?.(flow.settings as never, flow.entities) ?? [];
    const destination = await this.#destinations.open(flow.workspaceId, flow.destinationId);
    try {
      const result: ReplicaTableInfo[] = [];
      for (const { schema, table, entity } of tables) {
        const name = `${quoteIdent(schema)}.${quoteIdent(table)}`;
        const exists = await destination.driver.query<{ found: boolean }>(
          'select to_regclass($1) is not null as found',
          [name],
        );
        if (!exists.rows[0]?.found) {
          result.push({ schema, table, entity, exists: false, rows: 0, deletedRows: 0 });
          continue;
        }
        const counts = await destination.driver.query<{ live: string; deleted: string }>(
          `select count(*) filter (where _deleted_at is null) as live, count(*) filter (where _deleted_at is not null) as deleted from ${name}`,
        );
        result.push({
          schema,
          table,
          entity,
          exists: true,
          rows: Number(counts.rows[0]?.live ?? 0),
          deletedRows: Number(counts.rows[0]?.deleted ?? 0),
        });
      }
      return result;
    } finally {
      await destination.close();
    }
  }

  /** The latest rows of one of the flow's tables (newest synced first), `_raw` left out. */
  async preview(
    flow: FlowRow,
    table: string,
    limit: number,
  ): Promise<{ columns: string[]; rows: Record<string, unknown>[] }> {
    const found = (await this.tables(flow)).find((candidate) => candidate.table === table);
    if (!found?.exists) {
      throw new HubError('table_not_found', `The flow has no table "${table}" yet; run the flow first.`);
    }
    const destination = await this.#destinations.open(flow.workspaceId, flow.destinationId);
    try {
      const result = await destination.driver.query<Record<string, unknown>>(
        `select * from ${quoteIdent(found.schema)}.${quoteIdent(found.table)} order by _synced_at desc, id limit $1`,
        [limit],
      );
      const rows = result.rows.map((row) => {
        const { _raw: _omitted, ...rest } = row;
        return Object.fromEntries(
          Object.entries(rest).map(([key, value]) => [
            key,
            value instanceof Date ? value.toISOString() : value,
          ]),
        );
      });
      const columns = await destination.driver.query<{ column_name: string }>(
        "select column_name from information_schema.columns where table_schema = $1 and table_name = $2 and column_name <> '_raw' order by ordinal_position",
        [found.schema, found.table],
      );
      return { columns: columns.rows.map((column) => column.column_name), rows };
    } finally {
      await destination.close();
    }
  }

  /** Keeps the flow's schedule and webhook subscriptions in step with it. */
  async #follow(flow: FlowRow, options: { deleted?: boolean } = {}): Promise<void> {
    if (flow.enabled && !options.deleted) {
      await this.#queue.schedule(this.#jobs.scheduled, flow.schedule, { flowId: flow.id }, flow.id);
    } else {
      await this.#queue.unschedule(this.#jobs.scheduled, flow.id);
    }
    if (options.deleted) {
      // The flow's rows are about to go, so this cannot wait for a job.
      await this.#webhooks.sync(flow, { deleted: true }).catch((error: Error) => {
        this.#logger.warn({ flowId: flow.id, err: error.message }, 'removing webhook subscriptions failed');
      });
      return;
    }
    const subscribed = (await this.repository.streams(flow.id)).some((stream) => stream.webhookTopic);
    if (this.#webhooks.wanted(flow) || subscribed) {
      await this.#queue.send(this.#jobs.webhooks, { flowId: flow.id });
    }
  }

  async create(connection: ConnectionRow, input: FlowInput): Promise<FlowRow> {
    const pkg = requirePackage(input.packageId);
    const destinationId = input.destinationId ?? null;
    const checked = await this.#check(connection, pkg, {
      divisions: input.divisions ?? null,
      entities:
        input.entities ?? pkg.entities.filter((entity) => entity.byDefault).map((entity) => entity.name),
      destinationId,
      settings: input.settings ?? {},
    });
    const flow = await this.repository.create({
      workspaceId: connection.workspaceId,
      connectionId: connection.id,
      packageId: pkg.id,
      name: input.name ?? pkg.title,
      ...checked,
      settings: this.#secretSettings.seal(pkg, checked.settings),
      schedule: checkSchedule(input.schedule ?? DEFAULT_SCHEDULE),
      enabled: input.enabled ?? true,
    });
    await this.#follow(flow);
    return flow;
  }

  async update(flow: FlowRow, connection: ConnectionRow, changes: FlowChanges): Promise<FlowRow> {
    const pkg = requirePackage(flow.packageId);
    const destinationId = changes.destinationId === undefined ? flow.destinationId : changes.destinationId;
    const checked = await this.#check(connection, pkg, {
      divisions: changes.divisions === undefined ? flow.divisions : changes.divisions,
      entities: changes.entities ?? flow.entities,
      destinationId,
      settings: this.#secretSettings.merge(
        pkg,
        changes.settings ?? (flow.settings as Record<string, unknown>),
        flow.settings as Record<string, unknown>,
      ),
    });
    const updated = await this.repository.update(flow.id, {
      ...checked,
      settings: this.#secretSettings.seal(pkg, checked.settings),
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.schedule === undefined ? {} : { schedule: checkSchedule(changes.schedule) }),
      ...(changes.enabled === undefined ? {} : { enabled: changes.enabled }),
    });
    const result = updated ?? flow;
    await this.#follow(result);
    return result;
  }

  async delete(flow: FlowRow): Promise<void> {
    await this.#follow(flow, { deleted: true });
    await this.repository.delete(flow.id);
  }

  /**
   * Queues a run. Webhook and schedule runs are debounced: while a run that covers the same
   * streams is still queued (a long initial load, a burst of notifications), that run is
   * returned instead of a new one.
   */
  async requestRun(
    flow: FlowRow,
    request: { trigger: RunTrigger; resync?: boolean; only?: string[] | null; delaySeconds?: number },
  ): Promise<FlowRunRow> {
    const only = request.only ?? null;
    const debounced =
      (request.trigger === 'webhook' && only !== null && only.length === 1) ||
      (request.trigger === 'schedule' && only === null);
    if (debounced) {
      const queued = await this.repository.queuedRunCovering(flow.id, only?.[0] ?? null);
      if (queued) return queued;
    }
    const run = await this.repository.createRun({
      flowId: flow.id,
      trigger: request.trigger,
      resync: request.resync ?? false,
      only,
    });
    await this.#queue.send(
      this.#jobs.run,
      { runId: run.id },
      request.delaySeconds ? { startAfterSeconds: request.delaySeconds } : {},
    );
    return run;
  }

  async #check(
    connection: ConnectionRow,
    pkg: FlowPackage,
    input: {
      divisions: number[] | null;
      entities: string[];
      destinationId: string | null;
      settings: Record<string, unknown>;
    },
  ) {
    const known = new Set(pkg.entities.map((entity) => entity.name));
    const unknown = input.entities.filter((entity) => !known.has(entity));
    if (unknown.length > 0 || input.entities.length === 0) {
      throw new HubError(
        'invalid_entities',
        `entities must be a non-empty list of ${[...known].join(', ')}${unknown.length ? `; unknown: ${unknown.join(', ')}` : ''}.`,
      );
    }
    if (input.divisions !== null) {
      const linked = new Set(
        (await this.#connections.listDivisions(connection.id)).filter((d) => d.linked).map((d) => d.code),
      );
      const notLinked = input.divisions.filter((code) => !linked.has(code));
      if (notLinked.length > 0 || input.divisions.length === 0) {
        throw new HubError(
          'division_not_linked',
          `divisions must be linked divisions of the connection (or null for all); not linked: ${notLinked.join(', ') || 'none given'}.`,
        );
      }
    }
    if (input.destinationId !== null) {
      const found = await this.#destinations.repository.findInWorkspace(
        connection.workspaceId,
        input.destinationId,
      );
      if (!found)
        throw new HubError(
          'destination_not_found',
          'destinationId must be a destination of this workspace, or null for the hub database.',
        );
    }
    const parsed = pkg.settings.safeParse(input.settings);
    if (!parsed.success) {
      throw new HubError('invalid_settings', `settings: ${z.prettifyError(parsed.error)}`, {
        details: parsed.error.issues,
      });
    }
    this.#destinations.checkSchema(input.destinationId, (parsed.data as { schema?: unknown }).schema);
    return {
      divisions: input.divisions === null ? null : [...new Set(input.divisions)].sort((a, b) => a - b),
      entities: [...new Set(input.entities)],
      destinationId: input.destinationId,
      settings: parsed.data as Record<string, unknown>,
    };
  }
}
