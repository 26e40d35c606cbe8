import { HubError } from '../errors/hub-error.ts';
import type { FlowRunRow, FlowRunStreamRow, FlowsRepository } from '../flows/flows-repository.ts';
import { type FlowsService, streamKey } from '../flows/flows-service.ts';
import type {
  RecordErrorFilter,
  RecordErrorGroup,
  RecordErrorRow,
  RecordErrorsRepository,
} from '../flows/record-errors-repository.ts';
import type { RunFilter, RunsRepository } from './runs-repository.ts';

/** Which errors a bulk action applies to: listed ids, or every unresolved one matching the rest. */
export type ErrorSelection = Omit<RecordErrorFilter, 'status' | 'unresolved' | 'runId'>;

/**
 * The watcher: runs across flows, per-record errors (grouped, retried, resolved) and
 * retrying a run. Retrying errors marks them `retrying` and queues a run of their streams,
 * which sends those records again before reading on.
 */
export class WatcherService {
  readonly #runs: RunsRepository;
  readonly #errors: RecordErrorsRepository;
  readonly #flows: FlowsService;
  readonly #flowRows: FlowsRepository;

  constructor(deps: {
    runs: RunsRepository;
    errors: RecordErrorsRepository;
    flows: FlowsService;
  }) {
    this.#runs = deps.runs;
    this.#errors = deps.errors;
    this.#flows = deps.flows;
    this.#flowRows = deps.flows.repository;
  }

  async listRuns(
    workspaceId: string,
    filter: RunFilter,
    limit: number,
  ): Promise<{ run: FlowRunRow; streams: FlowRunStreamRow[] }[]> {
    const runs = await this.#runs.list(workspaceId, filter, limit);
    const streams = await this.#flowRows.runStreams(runs.map((run) => run.id));
    return runs.map((run) => ({ run, streams: streams.filter((stream) => stream.runId === run.id) }));
  }

  async runDetail(
    workspaceId: string,
    runId: string,
  ): Promise<{ run: FlowRunRow; streams: FlowRunStreamRow[]; errors: RecordErrorRow[] }> {
    const run = await this.#requireRun(workspaceId, runId);
    const { streams } = await this.#flows.runDetail(run);
    const errors = await this.#errors.list(workspaceId, { runId }, 1000);
    return { run, streams, errors };
  }

  /** Runs the same streams again; the run's unresolved errors are sent again first. */
  async retryRun(workspaceId: string, runId: string): Promise<FlowRunRow> {
    const run = await this.#requireRun(workspaceId, runId);
    const flow = await this.#flowRows.findById(run.flowId);
    if (!flow) throw new HubError('run_not_found');
    await this.#errors.setStatus(workspaceId, { runId, status: 'open' }, 'retrying');
    return this.#flows.requestRun(flow, { trigger: 'retry', resync: run.resync, only: run.only });
  }

  listErrors(workspaceId: string, filter: RecordErrorFilter, limit: number): Promise<RecordErrorRow[]> {
    return this.#errors.list(workspaceId, filter, limit);
  }

  groupErrors(workspaceId: string, filter: RecordErrorFilter): Promise<RecordErrorGroup[]> {
    return this.#errors.groups(workspaceId, filter);
  }

  /** Queues the selected open errors for a retry: one run per flow, limited to their streams. */
  async retryErrors(
    workspaceId: string,
    selection: ErrorSelection,
  ): Promise<{ errors: RecordErrorRow[]; runs: FlowRunRow[] }> {
    const errors = await this.#errors.setStatus(workspaceId, { ...selection, status: 'open' }, 'retrying');
    const streamsByFlow = new Map<string, Set<string>>();
    for (const error of errors) {
      const streams = streamsByFlow.get(error.flowId) ?? new Set<string>();
      streams.add(streamKey(error.division, error.entity));
      streamsByFlow.set(error.flowId, streams);
    }
    const runs: FlowRunRow[] = [];
    for (const [flowId, streams] of streamsByFlow) {
      const flow = await this.#flowRows.findById(flowId);
      if (flow) runs.push(await this.#flows.requestRun(flow, { trigger: 'retry', only: [...streams] }));
    }
    return { errors, runs };
  }

  /** Resolves the selected unresolved errors by hand; they stay in the history as resolved. */
  async resolveErrors(
    workspaceId: string,
    selection: ErrorSelection,
    userId: string | null,
  ): Promise<RecordErrorRow[]> {
    return this.#errors.setStatus(workspaceId, { ...selection, unresolved: true }, 'resolved', {
      by: userId,
      how: 'manual',
    });
  }

  async #requireRun(workspaceId: string, runId: string): Promise<FlowRunRow> {
    const run = await this.#runs.find(workspaceId, runId);
    if (!run) throw new HubError('run_not_found');
    return run;
  }
}
