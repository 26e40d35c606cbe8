import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { watcherFeature } from '../../src/app/features.ts';
import { exactRedirectUri } from '../../src/connections/redirect-uri.ts';
import { verifyWebhook } from '../../src/watcher/webhook-signature.ts';
import {
  authorize,
  createAppAndConnection,
  type RunningSimulator,
  registerSimApp,
  simControl,
  startExactHub,
  startSim,
  type TestHub,
} from '../connections/exact-test-kit.ts';
import { startReceiver, startRefusingSmtp, startSmtp } from '../support/mail-and-webhook-receivers.ts';
import { type ApiClient, BACKENDS, signUpOwner } from '../support/test-hub.ts';

describe.each(BACKENDS)('alerts by e-mail and signed webhook on $name', (backend) => {
  let sim: RunningSimulator;
  let t: TestHub;
  let smtp: Awaited<ReturnType<typeof startSmtp>>;
  let receiver: Awaited<ReturnType<typeof startReceiver>>;
  let owner: ApiClient;
  let workspaceId: string;
  let connectionId: string;

  beforeAll(async () => {
    [smtp, receiver] = await Promise.all([startSmtp(), startReceiver()]);
    sim = await startSim();
    t = await startExactHub(backend, {
      env: {
        KOPPEL_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
        KOPPEL_SMTP_FROM: 'Koppel <hub@example.nl>',
      },
      features: [watcherFeature],
      sim,
    });
    ({ client: owner, workspaceId } = await signUpOwner(t.base));
    const simApp = await registerSimApp(sim, exactRedirectUri(t.publicUrl));
    ({ connectionId } = await createAppAndConnection(owner, workspaceId, sim, simApp));
    expect((await authorize(owner, connectionId, sim)).status).toBe(200);
  });
  afterAll(async () => {
    await t?.close();
    await sim?.close();
    await new Promise<void>((resolve) => smtp?.server.close(() => resolve()));
    await new Promise<void>((resolve) => receiver?.server.close(() => resolve()));
  });

  const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;

  it('names what to fix when the SMTP server refuses the test e-mail', async () => {
    const refusing = await startRefusingSmtp('no such mailbox');
    const other = await startExactHub(backend, {
      env: { KOPPEL_SMTP_URL: `smtp://127.0.0.1:${refusing.port}` },
      features: [watcherFeature],
    });
    try {
      const { client, workspaceId: otherWs } = await signUpOwner(other.base);
      const sent = await client.post(`/api/v1/workspaces/${otherWs}/alert-channels/test-email`, {
        to: 'nobody@example.nl',
      });
      expect(sent.status).toBe(502);
      expect(sent.body.error.code).toBe('smtp_failed');
      expect(sent.body.error.message).toContain('550');
    } finally {
      await other.close();
      await new Promise<void>((resolve) => refusing.server.close(() => resolve()));
    }
  });

  it('sends one alert and one recovery per incident, by e-mail and by a webhook the receiver can verify', async () => {
    const email = await owner.post(ws('/alert-channels'), { kind: 'email', target: 'ops@example.nl' });
    expect(email.status).toBe(201);
    const webhook = await owner.post(ws('/alert-channels'), { kind: 'webhook', target: receiver.url });
    expect(webhook.status).toBe(201);
    const secret: string = webhook.body.secret;
    expect(secret).toMatch(/^whsec_/);
    expect((await owner.get(ws('/alert-channels'))).body.map((c: { secret?: string }) => c.secret)).toEqual([
      undefined,
      undefined,
    ]);

    expect((await owner.post(ws('/alert-channels/test-email'), { to: 'me@example.nl' })).status).toBe(204);
    expect(smtp.mails).toMatchObject([
      { to: ['me@example.nl'], subject: expect.stringContaining('[Koppel test]') },
    ]);
    smtp.mails.length = 0;

    // The token chain dies; the connection's check finds out.
    await simControl(sim, 'POST', '/faults', { revokeRefreshTokens: true });
    await simControl(sim, 'DELETE', '/faults');
    t.clock.advance(11 * 60_000);
    await owner.post(`/api/v1/connections/${connectionId}/test`);
    expect((await owner.get(`/api/v1/connections/${connectionId}`)).body.status).toBe('needs_reauth');

    const alerts = t.hub.services.alerts;
    await alerts.evaluate();
    await alerts.evaluate();
    expect(smtp.mails).toMatchObject([
      {
        to: ['ops@example.nl'],
        subject: expect.stringMatching(/^\[Koppel alert\] Connection .* needs re-authorization/),
      },
    ]);
    expect(receiver.deliveries).toHaveLength(1);

    expect((await authorize(owner, connectionId, sim)).status).toBe(200);
    await alerts.evaluate();
    await alerts.evaluate();
    expect(smtp.mails.map((m) => m.subject)).toEqual([
      expect.stringContaining('[Koppel alert]'),
      expect.stringContaining('[Koppel recovered]'),
    ]);
    expect(receiver.deliveries).toHaveLength(2);

    const [opened, recovered] = receiver.deliveries.map((d) => {
      expect(verifyWebhook(secret, Number(d.timestamp), d.body, d.signature)).toBe(true);
      return JSON.parse(d.body);
    });
    expect(opened).toMatchObject({
      event: 'alert.opened',
      rule: 'connection_needs_reauth',
      subject: connectionId,
    });
    expect(recovered).toMatchObject({ event: 'alert.recovered', incidentId: opened.incidentId });
    const first = receiver.deliveries[0]!;
    expect(verifyWebhook(secret, Number(first.timestamp), `${first.body} `, first.signature)).toBe(false);
    expect(verifyWebhook('whsec_other', Number(first.timestamp), first.body, first.signature)).toBe(false);

    const missing = await owner.request('DELETE', ws('/alert-channels/00000000-0000-4000-8000-000000000000'));
    expect(missing.body.error.code).toBe('alert_channel_not_found');
    expect((await owner.request('DELETE', ws(`/alert-channels/${email.body.id}`))).status).toBe(204);

    const incidents = (await owner.get(ws('/alerts'))).body;
    expect(incidents).toEqual([
      expect.objectContaining({ rule: 'connection_needs_reauth', recoveredAt: expect.any(String) }),
    ]);
  });
});
