import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startRefusingSmtp, startSmtp } from './support/mail-and-webhook-receivers.ts';
import { ApiClient, BACKENDS, signUpOwner, startTestHub, type TestHub } from './support/test-hub.ts';

describe.each(BACKENDS)('invitations by e-mail on $name', (backend) => {
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let t: TestHub;
  let owner: ApiClient;
  let workspaceId: string;

  beforeAll(async () => {
    smtp = await startSmtp();
    t = await startTestHub(backend, {
      env: { KOPPEL_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`, KOPPEL_SMTP_FROM: 'Koppel <hub@example.nl>' },
    });
    ({ client: owner, workspaceId } = await signUpOwner(t.base));
    await owner.request('PATCH', `/api/v1/workspaces/${workspaceId}`, { name: 'Bakkerij de Vries' });
  });
  afterAll(async () => {
    await t?.close();
    await new Promise<void>((resolve) => smtp?.server.close(() => resolve()));
  });

  it('e-mails the single-use link, which the invitee accepts from the e-mail', async () => {
    const invite = await owner.post(`/api/v1/workspaces/${workspaceId}/invitations`, {
      email: 'Anna@Example.nl',
      role: 'admin',
    });
    expect(invite.status).toBe(201);
    expect(invite.body.emailed).toEqual({ status: 'sent', error: null });
    expect(smtp.mails).toHaveLength(1);
    const [mail] = smtp.mails;
    expect(mail!.to).toEqual(['anna@example.nl']);
    expect(mail!.subject).toBe('Invitation to Bakkerij de Vries on Koppel');
    expect(mail!.text).toContain('as admin');
    const link = /https?:\/\/\S+\/invitations\/accept#token=\S+/.exec(mail!.text)?.[0];
    expect(link).toBe(invite.body.url);

    const anna = new ApiClient(t.base);
    const accepted = await anna.post('/api/v1/invitations/accept', {
      token: new URL(link!).hash.slice('#token='.length),
      name: 'Anna',
      password: 'anna-password-123',
    });
    expect(accepted.status).toBe(200);
    const me = await anna.get('/api/v1/me');
    expect(me.body.workspaces).toEqual([expect.objectContaining({ id: workspaceId, role: 'admin' })]);
  });

  it('keeps the invitation and says why when the SMTP server refuses the e-mail', async () => {
    const refusing = await startRefusingSmtp('mailbox unavailable');
    const other = await startTestHub(backend, {
      env: { KOPPEL_SMTP_URL: `smtp://127.0.0.1:${refusing.port}` },
    });
    try {
      const { client, workspaceId: ws } = await signUpOwner(other.base);
      const invite = await client.post(`/api/v1/workspaces/${ws}/invitations`, {
        email: 'bob@example.nl',
        role: 'viewer',
      });
      expect(invite.status).toBe(201);
      expect(invite.body.emailed).toEqual({ status: 'failed', error: expect.stringContaining('550') });
      expect(invite.body.url).toContain('#token=');
      const pending = await client.get(`/api/v1/workspaces/${ws}/invitations`);
      expect(pending.body).toEqual([expect.objectContaining({ email: 'bob@example.nl', status: 'pending' })]);
    } finally {
      await other.close();
      await new Promise<void>((resolve) => refusing.server.close(() => resolve()));
    }
  });

  it('says the link was not e-mailed when no SMTP server is configured', async () => {
    const plain = await startTestHub(backend);
    try {
      const { client, workspaceId: ws } = await signUpOwner(plain.base);
      const invite = await client.post(`/api/v1/workspaces/${ws}/invitations`, {
        email: 'carl@example.nl',
        role: 'viewer',
      });
      expect(invite.body.emailed).toEqual({ status: 'off', error: null });
    } finally {
      await plain.close();
    }
  });
});
