import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type ApiClient, BACKENDS, signUpOwner, startTestHub, type TestHub } from './support/test-hub.ts';

describe.each(BACKENDS)('"last used" stamps under concurrent requests on $name', (backend) => {
  let t: TestHub;
  let owner: ApiClient;

  beforeAll(async () => {
    t = await startTestHub(backend);
    owner = (await signUpOwner(t.base)).client;
  });
  afterAll(() => t?.close());

  it('writes a session stamp once a minute, not once per request', async () => {
    const sessions = t.hub.services.repositories.sessions;
    const touch = sessions.touch.bind(sessions);
    let writes = 0;
    sessions.touch = async (id, now) => {
      writes++;
      await touch(id, now);
    };
    try {
      t.clock.advance(2 * 60_000);
      const statuses = await Promise.all(Array.from({ length: 40 }, () => owner.get('/api/v1/me')));
      expect(statuses.every((r) => r.status === 200)).toBe(true);
      expect(writes).toBe(1);
      t.clock.advance(30_000);
      await Promise.all(Array.from({ length: 10 }, () => owner.get('/api/v1/me')));
      expect(writes).toBe(1);
      t.clock.advance(31_000);
      await owner.get('/api/v1/me');
      expect(writes).toBe(2);
    } finally {
      sessions.touch = touch;
    }
  });
});
