import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  addMember,
  BACKENDS,
  signUpOwner,
  startTestHub,
  type TestHub,
} from './support/test-hub.ts';

describe.each(BACKENDS)('invitations do not tell whether an e-mail has an account on $name', (backend) => {
  let t: TestHub;
  let owner: ApiClient;
  let workspaceId: string;

  beforeAll(async () => {
    t = await startTestHub(backend);
    ({ client: owner, workspaceId } = await signUpOwner(t.base));
    await addMember(owner, workspaceId, 'known@example.nl', 'viewer');
  });
  afterAll(() => t?.close());

  const invite = async (email: string) => {
    const second = await owner.post('/api/v1/workspaces', { name: `For ${email}` });
    const response = await owner.post(`/api/v1/workspaces/${second.body.id}/invitations`, {
      email,
      role: 'viewer',
    });
    return response.body.token as string;
  };

  it('answers the lookup and a refused acceptance the same for an existing and an unknown address', async () => {
    const known = await invite('known@example.nl');
    const unknown = await invite('unknown@example.nl');
    const lookups = await Promise.all(
      [known, unknown].map((token) => new ApiClient(t.base).post('/api/v1/invitations/lookup', { token })),
    );
    expect(Object.keys(lookups[0]!.body).sort()).toEqual(Object.keys(lookups[1]!.body).sort());
    expect(lookups[0]!.body).not.toHaveProperty('accountExists');

    const refusals = await Promise.all(
      [known, unknown].map((token) =>
        new ApiClient(t.base).post('/api/v1/invitations/accept', {
          token,
          password: 'quiet-harbour-lantern-74',
        }),
      ),
    );
    expect(refusals[0]!.status).toBe(401);
    expect(refusals[0]!.body).toEqual(refusals[1]!.body);
    expect(refusals[1]!.status).toBe(401);
  });
});
