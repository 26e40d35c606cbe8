import { CronExpressionParser } from 'cron-parser';
import { z } from 'zod';
import type { ConnectionRow, ConnectionsRepository } from '../connections/connections-repository.ts';
import type { DestinationsService } from '../destinations/destinations-service.ts';
import { badRequest } from '../errors.ts';
import type { RunTrigger } from '../storage/schema.ts';
import type { FlowPackage } from './flow-package.ts';
import type { FlowRow, FlowRunRow, FlowsRepository } from './flows-repository.ts';
import { packageById } from './package-registry.ts';

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

export type FlowChanges = Omit<FlowInput, 'packageId'>;

/** `division/entity`, how a run names the streams it is limited to. */
export function streamKey(division: number, entity: string): string {
  return `${division}/${entity}`;
}

export function requirePackage(id: string): FlowPackage {
  const pkg = packageById(id);
  if (!pkg) throw badRequest('package_not_found', `No package "${id}"; GET /api/v1/packages lists them.`);
  return pkg;
}

/** Checks a five-field cron expression (UTC) and returns it. */
export function checkSchedule(schedule: string): string {
  const fields = schedule.trim().split(/\s+/);
  try {
    if (fields.length !== 5) throw new Error('five fields expected');
    CronExpressionParser.parse(schedule, { tz: 'UTC' });
  } catch (error) {
    throw badRequest(
      'invalid_schedule',
      `schedule must be a five-field cron expression in UTC such as "${DEFAULT_SCHEDULE}" (${(error as Error).message}).`,
    );
  }
  return fields.join(' ');
}

/** The rules of flows: what a flow may contain, and asking for runs. */
export class FlowsService {
  readonly repository: FlowsRepository;
  readonly #destinations: DestinationsService;
  readonly #connections: ConnectionsRepository;
  readonly #enqueueRun: (run: FlowRunRow) => Promise<void>;
  readonly #flowChanged: (flow: FlowRow) => Promise<void>;

  constructor(deps: {
    repository: FlowsRepository;
    destinations: DestinationsService;
    connections: ConnectionsRepository;
    /** Queues the run's job. */
    enqueueRun: (run: FlowRunRow) => Promise<void>;
    /** After a flow is created, changed or deleted (webhook subscriptions follow it). */
    flowChanged: (flow: FlowRow) => Promise<void>;
  }) {
    this.repository = deps.repository;
    this.#destinations = deps.destinations;
    this.#connections = deps.connections;
    this.#enqueueRun = deps.enqueueRun;
    this.#flowChanged = deps.flowChanged;
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
      schedule: checkSchedule(input.schedule ?? DEFAULT_SCHEDULE),
      enabled: input.enabled ?? true,
    });
    await this.#flowChanged(flow);
    return flow;
  }

  async update(flow: FlowRow, connection: ConnectionRow, changes: FlowChanges): Promise<FlowRow> {
    const pkg = requirePackage(flow.packageId);
    const destinationId = changes.destinationId === undefined ? flow.destinationId : changes.destinationId;
    const checked = await this.#check(connection, pkg, {
      divisions: changes.divisions === undefined ? flow.divisions : changes.divisions,
      entities: changes.entities ?? flow.entities,
      destinationId,
      settings: changes.settings ?? (flow.settings as Record<string, unknown>),
    });
    const updated = await this.repository.update(flow.id, {
      ...checked,
      ...(changes.name === undefined ? {} : { name: changes.name }),
      ...(changes.schedule === undefined ? {} : { schedule: checkSchedule(changes.schedule) }),
      ...(changes.enabled === undefined ? {} : { enabled: changes.enabled }),
    });
    const result = updated ?? flow;
    await this.#flowChanged(result);
    return result;
  }

  async delete(flow: FlowRow): Promise<void> {
    await this.repository.delete(flow.id);
    await this.#flowChanged({ ...flow, enabled: false });
  }

  /**
   * Queues a run. A webhook's run is debounced: while a run that covers the stream is still
   * queued, that run is returned instead of a new one.
   */
  async requestRun(
    flow: FlowRow,
    request: { trigger: RunTrigger; resync?: boolean; only?: string[] | null },
  ): Promise<FlowRunRow> {
    const only = request.only ?? null;
    if (request.trigger === 'webhook' && only !== null && only.length === 1) {
      const queued = await this.repository.queuedRunCovering(flow.id, only[0] as string);
      if (queued) return queued;
    }
    const run = await this.repository.createRun({
      flowId: flow.id,
      trigger: request.trigger,
      resync: request.resync ?? false,
      only,
    });
    await this.#enqueueRun(run);
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
      throw badRequest(
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
        throw badRequest(
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
        throw badRequest(
          'destination_not_found',
          'destinationId must be a destination of this workspace, or null for the hub database.',
        );
    }
    const parsed = pkg.settings.safeParse(input.settings);
    if (!parsed.success) {
      throw badRequest('invalid_settings', `settings: ${z.prettifyError(parsed.error)}`, parsed.error.issues);
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
