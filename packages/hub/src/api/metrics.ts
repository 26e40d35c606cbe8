import { Counter, collectDefaultMetrics, Gauge, Histogram, Registry } from 'prom-client';
import type { StreamMetric } from '../watcher/flow-metrics-repository.ts';

/** Where the per-flow and per-stream series come from, read at each scrape. */
export interface FlowMetricsSource {
  streams(): Promise<StreamMetric[]>;
}

let processRegistry: Registry | undefined;

/** Process-wide metrics (CPU, memory, event loop), collected once however many hubs run. */
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry, prefix: 'koppel_' });
  }
  return processRegistry;
}

export class HubMetrics {
  readonly registry = new Registry();
  readonly httpRequests = new Counter({
    name: 'koppel_http_requests_total',
    help: 'HTTP requests answered, by method, route and status code',
    labelNames: ['method', 'route', 'status'] as const,
    registers: [this.registry],
  });
  readonly httpDuration = new Histogram({
    name: 'koppel_http_request_duration_seconds',
    help: 'HTTP request duration in seconds, by method and route',
    labelNames: ['method', 'route'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [this.registry],
  });
  readonly loginFailures = new Counter({
    name: 'koppel_login_failures_total',
    help: 'Failed sign-in attempts, by reason',
    labelNames: ['reason'] as const,
    registers: [this.registry],
  });

  constructor(flows?: FlowMetricsSource, now: () => number = Date.now) {
    if (flows) registerFlowSeries(this.registry, flows, now);
  }

  async render(): Promise<{ contentType: string; body: string }> {
    const merged = Registry.merge([processMetrics(), this.registry]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }
}

/**
 * Per-stream series labelled by flow id, package and entity (divisions are summed: an
 * integrator's hundreds of divisions would multiply the series). Totals come from the run
 * history in the database, so every server process reports the same numbers.
 */
function registerFlowSeries(registry: Registry, flows: FlowMetricsSource, now: () => number): void {
  const labelNames = ['flow', 'package', 'entity'] as const;
  let snapshot: Promise<StreamMetric[]> | undefined;
  // One query per scrape, however many series read it.
  const streams = () => {
    snapshot ??= flows.streams().finally(() =>
      setTimeout(() => {
        snapshot = undefined;
      }, 0),
    );
    return snapshot;
  };
  const counter = (name: string, help: string, value: (s: StreamMetric) => number) =>
    new Counter({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const rows = await streams();
        this.reset();
        for (const row of rows)
          this.inc({ flow: row.flow, package: row.package, entity: row.entity }, value(row));
      },
    });
  const gauge = (name: string, help: string, value: (s: StreamMetric) => number | null) =>
    new Gauge({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        const rows = await streams();
        this.reset();
        for (const row of rows) {
          const v = value(row);
          if (v !== null) this.set({ flow: row.flow, package: row.package, entity: row.entity }, v);
        }
      },
    });
  counter('koppel_stream_rows_read_total', 'Rows read from Exact, per flow and entity', (s) => s.rowsRead);
  counter(
    'koppel_stream_rows_written_total',
    'Rows written to the destination, per flow and entity',
    (s) => s.rowsWritten,
  );
  counter(
    'koppel_stream_rows_deleted_total',
    'Rows deleted in the destination, per flow and entity',
    (s) => s.rowsDeleted,
  );
  counter('koppel_stream_api_calls_total', 'Calls to Exact, per flow and entity', (s) => s.apiCalls);
  counter(
    'koppel_stream_failed_runs_total',
    'Stream runs that failed, per flow and entity',
    (s) => s.failedRuns,
  );
  gauge(
    'koppel_stream_open_errors',
    'Unresolved per-record errors, per flow and entity',
    (s) => s.openErrors,
  );
  gauge(
    'koppel_stream_seconds_since_success',
    "Seconds since the stream last succeeded (its latest division's success); absent until it first succeeds",
    (s) => (s.lastSuccess === null ? null : Math.max(0, (now() - s.lastSuccess.getTime()) / 1000)),
  );
}
