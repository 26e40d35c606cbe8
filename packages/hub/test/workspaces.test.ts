import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  ApiClient,
  addMember,
  BACKENDS,
  OWNER,
  signUpOwner,
  startTestHub,
  type TestHub,
} from './support/test-hub.ts';

describe.each(BACKENDS)('workspaces, members and invitations on $name', (backend) => {
  let t: TestHub;
  let owner: ApiClient;
  let ownerId: string;
  let workspaceId: string;

  beforeAll(async () => {
    t = await startTestHub(backend);
    ({ client: owner, workspaceId, userId: ownerId } = await signUpOwner(t.base));
  });
  afterAll(() => t?.close());

  it('creates, lists, renames and deletes workspaces', async () => {
    const created = await owner.post('/api/v1/workspaces', { name: 'Bakkerij Jansen' });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ name: 'Bakkerij Jansen', role: 'owner' });
    const list = await owner.get('/api/v1/workspaces');
    expect(list.body.map((w: { name: string }) => w.name)).toContain('Bakkerij Jansen');
    const renamed = await owner.patch(`/api/v1/workspaces/${created.body.id}`, {
      name: 'Bakkerij Jansen BV',
    });
    expect(renamed.body.name).toBe('Bakkerij Jansen BV');
    expect((await owner.delete(`/api/v1/workspaces/${created.body.id}`)).status).toBe(204);
    expect((await owner.get(`/api/v1/workspaces/${created.body.id}`)).status).toBe(404);
  });

  it('validates bodies with a clear error naming the field', async () => {
    const response = await owner.post('/api/v1/workspaces', { name: '' });
    expect(response.status).toBe(400);
    expect(response.body.error.code).toBe('invalid_request');
    expect(response.body.error.details.issues[0].path).toBe('name');
  });

  it('invites a new user who joins with the invited role; the link works once', async () => {
    const invite = await owner.post(`/api/v1/workspaces/${workspaceId}/invitations`, {
      email: 'Admin@Example.nl',
      role: 'admin',
    });
    expect(invite.status).toBe(201);
    // Port 0 and no KOPPEL_PUBLIC_URL: links follow the port the hub actually got.
    expect(invite.body.url).toBe(`${t.base}/invitations/accept#token=${invite.body.token}`);
    expect(invite.body.email).toBe('admin@example.nl');

    const lookup = await new ApiClient(t.base).post('/api/v1/invitations/lookup', {
      token: invite.body.token,
    });
    expect(lookup.body).toMatchObject({ email: 'admin@example.nl', role: 'admin' });

    const invitee = new ApiClient(t.base);
    const weak = await invitee.post('/api/v1/invitations/accept', {
      token: invite.body.token,
      name: 'Ad',
      password: 'short',
    });
    expect(weak.body.error.code).toBe('weak_password');
    const accepted = await invitee.post('/api/v1/invitations/accept', {
      token: invite.body.token,
      name: 'Ad Admin',
      password: 'admin-password-123',
    });
    expect(accepted.status).toBe(200);
    expect(accepted.body.workspaceId).toBe(workspaceId);
    const me = await invitee.get('/api/v1/me');
    expect(me.body.workspaces).toEqual([expect.objectContaining({ id: workspaceId, role: 'admin' })]);

    const again = await new ApiClient(t.base).post('/api/v1/invitations/accept', {
      token: invite.body.token,
      name: 'Mallory',
      password: 'mallory-password-123',
    });
    expect(again.status).toBe(404);
    expect(again.body.error.code).toBe('invitation_invalid');

    const list = await owner.get(`/api/v1/workspaces/${workspaceId}/invitations`);
    expect(list.body.find((i: { id: string }) => i.id === invite.body.id).status).toBe('accepted');
    expect(JSON.stringify(list.body)).not.toContain(invite.body.token);
  });

  it('lets an existing user accept with their password only', async () => {
    const other = await owner.post('/api/v1/workspaces', { name: 'Second customer' });
    const invite = await owner.post(`/api/v1/workspaces/${other.body.id}/invitations`, {
      email: 'admin@example.nl',
      role: 'viewer',
    });
    const client = new ApiClient(t.base);
    const wrong = await client.post('/api/v1/invitations/accept', {
      token: invite.body.token,
      password: 'not-it-at-all',
    });
    expect(wrong.status).toBe(401);
    const ok = await client.post('/api/v1/invitations/accept', {
      token: invite.body.token,
      password: 'admin-password-123',
    });
    expect(ok.status).toBe(200);
    const me = await client.get('/api/v1/me');
    expect(me.body.workspaces.map((w: { role: string }) => w.role).sort()).toEqual(['admin', 'viewer']);
  });

  it('answers a race of two invitations for one new person with one account, never a 500', async () => {
    const second = await owner.post('/api/v1/workspaces', { name: 'Race customer' });
    const invites = await Promise.all(
      [workspaceId, second.body.id].map((id) =>
        owner.post(`/api/v1/workspaces/${id}/invitations`, { email: 'twin@example.nl', role: 'viewer' }),
      ),
    );
    const accepted = await Promise.all(
      invites.map((invite) =>
        new ApiClient(t.base).post('/api/v1/invitations/accept', {
          token: invite.body.token,
          name: 'Twin',
          password: 'twin-password-123',
        }),
      ),
    );
    const statuses = accepted.map((a) => a.status);
    expect(statuses).toContain(200);
    for (const response of accepted) {
      expect([200, 409]).toContain(response.status);
      if (response.status === 409) expect(response.body.error.code).toBe('already_exists');
    }
    expect(t.logs.text).not.toContain('twin-password-123');
  });

  it('refuses revoked and expired invitations', async () => {
    const revokedInvite = await owner.post(`/api/v1/workspaces/${workspaceId}/invitations`, {
      email: 'r@example.nl',
      role: 'viewer',
    });
    expect(
      (await owner.delete(`/api/v1/workspaces/${workspaceId}/invitations/${revokedInvite.body.id}`)).status,
    ).toBe(204);
    const revoked = await new ApiClient(t.base).post('/api/v1/invitations/accept', {
      token: revokedInvite.body.token,
      name: 'R',
      password: 'r-password-12345',
    });
    expect(revoked.body.error.message).toMatch(/revoked/);

    const expiring = await owner.post(`/api/v1/workspaces/${workspaceId}/invitations`, {
      email: 'e@example.nl',
      role: 'viewer',
    });
    t.clock.advance(8 * 24 * 3600 * 1000);
    const expired = await new ApiClient(t.base).post('/api/v1/invitations/accept', {
      token: expiring.body.token,
      name: 'E',
      password: 'e-password-12345',
    });
    expect(expired.status).toBe(404);
    expect(expired.body.error.message).toMatch(/expired/);
  });

  it('enforces role rules: admins cannot touch owners, the last owner stays', async () => {
    // Fresh sessions: the clock moved past the earlier sessions' lifetime.
    const ownerClient = new ApiClient(t.base);
    await ownerClient.post('/api/v1/auth/login', { email: OWNER.email, password: OWNER.password });
    const { client: admin, userId: adminId } = await addMember(
      ownerClient,
      workspaceId,
      'second-admin@example.nl',
      'admin',
    );
    const { userId: viewerId } = await addMember(ownerClient, workspaceId, 'v@example.nl', 'viewer');

    expect(
      (
        await admin.post(`/api/v1/workspaces/${workspaceId}/invitations`, {
          email: 'o2@example.nl',
          role: 'owner',
        })
      ).status,
    ).toBe(403);
    expect(
      (await admin.patch(`/api/v1/workspaces/${workspaceId}/members/${viewerId}`, { role: 'owner' })).status,
    ).toBe(403);
    expect((await admin.delete(`/api/v1/workspaces/${workspaceId}/members/${ownerId}`)).status).toBe(403);
    const promoted = await admin.patch(`/api/v1/workspaces/${workspaceId}/members/${viewerId}`, {
      role: 'admin',
    });
    expect(promoted.body).toMatchObject({ userId: viewerId, role: 'admin' });

    const demoteSelf = await ownerClient.patch(`/api/v1/workspaces/${workspaceId}/members/${ownerId}`, {
      role: 'viewer',
    });
    expect(demoteSelf.status).toBe(409);
    expect(demoteSelf.body.error.code).toBe('last_owner');
    expect((await ownerClient.delete(`/api/v1/workspaces/${workspaceId}/members/${ownerId}`)).status).toBe(
      409,
    );

    // An admin may leave on their own; afterwards the workspace is gone for them.
    expect((await admin.delete(`/api/v1/workspaces/${workspaceId}/members/${adminId}`)).status).toBe(204);
    expect((await admin.get(`/api/v1/workspaces/${workspaceId}`)).status).toBe(404);

    const members = await ownerClient.get(`/api/v1/workspaces/${workspaceId}/members`);
    expect(members.body.map((m: { email: string }) => m.email)).not.toContain('second-admin@example.nl');
  });
});
