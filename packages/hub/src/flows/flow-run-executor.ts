import type { Region } from '@koppel/exact';
import type { Logger } from 'pino';
import type { ConnectionsRepository } from '../connections/connections-repository.ts';
import type { ExactAccess } from '../connections/exact-access.ts';
import type { DestinationsService } from '../destinations/destinations-service.ts';
import type { PostgresDestination } from '../destinations/postgres-destination.ts';
import { HubError } from '../errors/hub-error.ts';
import type { FlowStatus, RunStatus } from '../storage/schema.ts';
import { ApiCallCounter } from './api-call-counter.ts';
import type { FlowPackage } from './flow-package.ts';
import type { FlowRow, FlowRunRow, FlowsRepository } from './flows-repository.ts';
import { requirePackage, streamKey } from './flows-service.ts';
import type { RecordErrorsRepository } from './record-errors-repository.ts';
import type { RecordFailure } from './record-failure.ts';
import { RUN_HEARTBEAT_MS } from './run-lease.ts';
import type { SecretSettings } from './secret-settings.ts';
import type { StreamLocks } from './stream-lock.ts';
import { runStream } from './stream-runner.ts';
import type { StreamStats } from './stream-stats.ts';

/** Divisions of one run worked on at the same time (each has its own rate budget at Exact). */
const DIVISION_CONCURRENCY = 2;
/**
 * Daily calls background runs leave for people using the dashboard (facts §2: 5,000 a day
 * per app and division).
 */
const DAILY_RESERVE = 500;

/**
 * How long a run someone asked for (webhook, run now, resync) waits for a stream another run
 * holds: incremental runs take seconds, and the holder may have read past the change that
 * triggered this one. A scheduled run skips at once; the next tick comes anyway.
 */
const BUSY_STREAM_WAIT_MS = 30_000;

/** What stops a whole run rather than one stream. */
/** A run ends with one of these; `interrupted` is what a sweep, not the run, decides. */
type RunOutcome = {
  status: Exclude<RunStatus, 'interrupted'>;
  error: { code: string; message: string } | null;
};

/** Executes queued flow runs: every (division, entity) stream of the flow, each under its lock. */
export class FlowRunExecutor {
  readonly #flows: FlowsRepository;
  readonly #destinations: DestinationsService;
  readonly #connections: ConnectionsRepository;
  readonly #exact: ExactAccess;
  readonly #locks: StreamLocks;
  readonly #recordErrors: RecordErrorsRepository;
  readonly #logger: Logger;
  readonly #secretSettings: SecretSettings;
  readonly #retryLater: (flow: FlowRow, streams: string[]) => Promise<void>;

  constructor(deps: {
    flows: FlowsRepository;
    recordErrors: RecordErrorsRepository;
    destinations: DestinationsService;
    connections: ConnectionsRepository;
    exact: ExactAccess;
    locks: StreamLocks;
    logger: Logger;
    secretSettings: SecretSettings;
    /** Queues a later run of streams a webhook or a user asked for that another run held. */
    retryLater: (flow: FlowRow, streams: string[]) => Promise<void>;
  }) {
    this.#retryLater = deps.retryLater;
    this.#flows = deps.flows;
    this.#destinations = deps.destinations;
    this.#connections = deps.connections;
    this.#exact = deps.exact;
    this.#locks = deps.locks;
    this.#recordErrors = deps.recordErrors;
    this.#logger = deps.logger;
    this.#secretSettings = deps.secretSettings;
  }

  /**
   * Runs `runId` unless it already finished. Throws only when the run could not start for a
   * reason worth retrying (the destination or Exact unreachable); stream failures are recorded
   * on the run and the next run resumes from each stream's committed cursor.
   */
  async execute(runId: string, signal?: AbortSignal): Promise<void> {
    const run = await this.#flows.findRun(runId);
    // An interrupted run was resumed by another; its job coming back after expiry has nothing to do.
    if (!run || ['succeeded', 'needs_reauth', 'interrupted'].includes(run.status)) return;
    const flow = await this.#flows.findById(run.flowId);
    if (!flow) return;
    if (!(await this.#flows.startRun(run.id, new Date()))) return;
    await this.#flows.update(flow.id, { status: 'running', lastRunId: run.id });
    const lost = new AbortController();
    const heartbeat = setInterval(() => {
      this.#flows.heartbeat(run.id).then(
        (running) => {
          if (!running) lost.abort(new Error(`Run ${run.id} was declared lost and resumed by another run`));
        },
        // A missed beat is not fatal: the lease spans several.
        () => {},
      );
    }, RUN_HEARTBEAT_MS);
    const stop = signal ? AbortSignal.any([signal, lost.signal]) : lost.signal;
    let outcome: RunOutcome;
    try {
      outcome = await this.#runStreams(flow, run, stop);
    } catch (error) {
      const failure =
        error instanceof HubError || (error instanceof Error && 'code' in error)
          ? { code: String((error as { code: unknown }).code), message: error.message }
          : { code: 'run_failed', message: error instanceof Error ? error.message : String(error) };
      const status: RunStatus = failure.code === 'connection_unavailable' ? 'needs_reauth' : 'failed';
      const finished = await this.#finish(flow, run, { status, error: failure });
      if (status === 'failed' && finished) throw error;
      return;
    } finally {
      clearInterval(heartbeat);
    }
    await this.#finish(flow, run, outcome);
  }

  /** Records the outcome; false when the run was declared lost meanwhile (its successor reports). */
  async #finish(flow: FlowRow, run: FlowRunRow, outcome: RunOutcome): Promise<boolean> {
    if (!(await this.#flows.finishRun(run.id, outcome))) {
      this.#logger.warn({ flowId: flow.id, runId: run.id }, 'flow run ended after it was declared lost');
      return false;
    }
    const status: FlowStatus =
      outcome.status === 'queued' || outcome.status === 'running' ? 'idle' : outcome.status;
    await this.#flows.update(flow.id, { status });
    this.#logger.info({ flowId: flow.id, runId: run.id, status: outcome.status }, 'flow run finished');
    return true;
  }

  async #runStreams(flow: FlowRow, run: FlowRunRow, signal?: AbortSignal): Promise<RunOutcome> {
    const pkg = requirePackage(flow.packageId);
    const linked = (await this.#connections.listDivisions(flow.connectionId))
      .filter((division) => division.linked)
      .map((division) => division.code);
    const divisions =
      flow.divisions === null ? linked : flow.divisions.filter((code) => linked.includes(code));
    const only = run.only === null ? null : new Set(run.only);
    const work = divisions
      .map((division) => ({
        division,
        entities: flow.entities.filter((entity) => only === null || only.has(streamKey(division, entity))),
      }))
      .filter((item) => item.entities.length > 0);
    const destination = await this.#destinations.open(flow.workspaceId, flow.destinationId);
    const results: (StreamStats & { stream: string })[] = [];
    try {
      let next = 0;
      const worker = async () => {
        while (next < work.length) {
          const item = work[next++] as (typeof work)[number];
          results.push(...(await this.#runDivision(flow, run, pkg, destination, item, signal)));
        }
      };
      await Promise.all(Array.from({ length: Math.min(DIVISION_CONCURRENCY, work.length) }, worker));
    } finally {
      await destination.close();
    }
    const busy = results.filter((stats) => stats.status === 'skipped').map((stats) => stats.stream);
    // A change announced by a webhook may lie past where the busy run read: read it later.
    if (busy.length > 0 && run.trigger !== 'schedule') await this.#retryLater(flow, busy);
    const reauth = results.find((stats) => stats.error?.reauthorize);
    if (reauth) return { status: 'needs_reauth', error: reauth.error };
    const failed = results.filter((stats) => stats.status === 'failed');
    if (failed.length > 0) {
      return {
        status: 'failed',
        error: {
          code: 'streams_failed',
          message: `${failed.length} of ${results.length} streams failed; see each stream's error.`,
        },
      };
    }
    return { status: 'succeeded', error: null };
  }

  /** The division's streams one after another, on one client so each stream's API calls can be counted. */
  async #runDivision(
    flow: FlowRow,
    run: FlowRunRow,
    pkg: FlowPackage,
    destination: PostgresDestination,
    item: { division: number; entities: string[] },
    signal?: AbortSignal,
  ): Promise<(StreamStats & { stream: string })[]> {
    const counter = new ApiCallCounter();
    const { client, app } = await this.#exact.connectionClient(flow.connectionId, {
      fetch: counter.fetch,
      dailyReserve: DAILY_RESERVE,
    });
    const exact = client.division(item.division, { background: true });
    const results: (StreamStats & { stream: string })[] = [];
    for (const entity of item.entities) {
      signal?.throwIfAborted();
      const stream = {
        streamId: `${flow.id}/${item.division}/${entity}`,
        division: item.division,
        entity,
        settings: this.#secretSettings.open(pkg, flow.settings as Record<string, unknown>),
        exact,
        region: app.region as Region,
        destination,
        ...(signal ? { signal } : {}),
      };
      const failures: RecordFailure[] = [];
      await this.#retryRecords(flow, run, pkg, stream, failures);
      const stats = await runStream(
        pkg,
        {
          ...stream,
          resync: run.resync,
          reject: (failure) => failures.push(failure),
          apiCalls: () => counter.calls,
          lockWaitMs: run.trigger === 'schedule' ? 0 : BUSY_STREAM_WAIT_MS,
        },
        this.#locks,
      );
      await this.#recordErrors.record(
        { workspaceId: flow.workspaceId, flowId: flow.id, runId: run.id, division: item.division, entity },
        failures,
      );
      await this.#flows.saveRunStream(run.id, item.division, entity, stats);
      await this.#flows.saveStream(flow.id, item.division, entity, {
        lastRunId: run.id,
        lastStatus: stats.status,
        ...(stats.cursorAfter ? { cursor: stats.cursorAfter } : {}),
      });
      results.push({ ...stats, stream: streamKey(item.division, entity) });
      // Exact refused the tokens: every other stream would fail the same way.
      if (stats.error?.reauthorize) break;
    }
    return results;
  }

  /**
   * Sends the stream's errors that someone asked to retry again, before the stream runs:
   * those that go through are resolved, those that fail again join this run's failures.
   */
  async #retryRecords(
    flow: FlowRow,
    run: FlowRunRow,
    pkg: FlowPackage,
    stream: Omit<Parameters<NonNullable<FlowPackage['retryRecords']>>[0], 'payloads'>,
    failures: RecordFailure[],
  ): Promise<void> {
    const waiting = await this.#recordErrors.retrying(flow.id, stream.division, stream.entity);
    if (waiting.length === 0) return;
    const still =
      pkg.retryRecords === undefined
        ? []
        : await pkg.retryRecords({ ...stream, payloads: waiting.map((error) => error.payload) });
    const failed = new Set(still.map((failure) => failure.key));
    failures.push(...still);
    await this.#recordErrors.resolveRetried(
      waiting.filter((error) => !failed.has(error.recordKey)).map((error) => error.id),
      run.id,
    );
  }
}
