import { z } from 'zod';
import { defineJob } from '../jobs/job-definition.ts';
import type { FlowRunExecutor } from './flow-run-executor.ts';
import type { FlowWebhooks } from './flow-webhooks.ts';
import type { FlowsService } from './flows-service.ts';

/**
 * The flows' background jobs: a run (every stream of a flow, or those a webhook named), the
 * per-flow schedule's tick, and keeping Exact's webhook subscriptions in step with a flow.
 * `service` is read when a job runs: the service itself sends these jobs.
 */
export function flowsJobs(deps: {
  executor: FlowRunExecutor;
  webhooks: FlowWebhooks;
  service: () => FlowsService;
}) {
  return {
    run: defineJob({
      name: 'flow-run',
      payload: z.object({ runId: z.uuid() }),
      // An initial load of a big division at Exact's 60 calls a minute takes hours.
      options: {
        retryLimit: 3,
        retryDelaySeconds: 60,
        retryBackoff: true,
        expireInSeconds: 6 * 3600,
        concurrency: 2,
      },
      handler: (data, run) => deps.executor.execute(data.runId, run.signal),
    }),
    sweep: defineJob({
      name: 'flow-run-sweep',
      payload: z.object({}),
      // Every minute, and when a worker starts (often the replacement of one that died).
      cron: '* * * * *',
      atStart: true,
      options: { retryLimit: 0 },
      handler: async () => {
        await deps.service().resumeLostRuns();
      },
    }),
    scheduled: defineJob({
      name: 'flow-scheduled-run',
      payload: z.object({ flowId: z.uuid() }),
      options: { retryLimit: 1 },
      handler: async (data) => {
        await deps.service().runOnSchedule(data.flowId);
      },
    }),
    webhooks: defineJob({
      name: 'flow-webhooks',
      payload: z.object({ flowId: z.uuid() }),
      options: { retryLimit: 5, retryDelaySeconds: 30, retryBackoff: true },
      handler: async (data) => {
        const flow = await deps.service().repository.findById(data.flowId);
        if (flow) await deps.webhooks.sync(flow);
      },
    }),
  };
}

export type FlowJobDefinitions = ReturnType<typeof flowsJobs>;
