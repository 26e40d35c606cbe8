// A worker stopped while it starts up (SIGTERM during `koppel worker`'s first seconds) must end
// cleanly: `work()` gives up without an error, and nothing starts pg-boss again afterwards.
import { describe, expect, it } from 'vitest';
import { BACKENDS, startTestHub } from './support/test-hub.ts';

describe.each(BACKENDS)('the job queue stopped while it starts working, on $name', (backend) => {
  it('ends work() without an error and refuses jobs sent afterwards', async () => {
    const t = await startTestHub(backend);
    try {
      const { jobs } = t.hub.services;
      const working = jobs.work({ pollingIntervalSeconds: 1 });
      await jobs.stop();
      await expect(working).resolves.toBeUndefined();
      await expect(jobs.send('housekeeping')).rejects.toMatchObject({ code: 'job_queue_stopped' });
      expect(jobs.started).toBe(false);
    } finally {
      await t.close();
    }
  });
});
