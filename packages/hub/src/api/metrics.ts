import { Counter, collectDefaultMetrics, Histogram, Registry } from 'prom-client';

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

  async render(): Promise<{ contentType: string; body: string }> {
    const merged = Registry.merge([processMetrics(), this.registry]);
    return { contentType: merged.contentType, body: await merged.metrics() };
  }
}
