import { randomUUID } from 'node:crypto';
import { sql } from 'drizzle-orm';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { flowsFeature, watcherFeature } from '../../src/app/features.ts';
import { ALERT_RULES, type AlertRule } from '../../src/watcher/alerts-repository.ts';
import { verifyWebhook } from '../../src/watcher/webhook-signature.ts';
import type { RunningSimulator, TestHub } from '../connections/exact-test-kit.ts';
import { eventually, finishedRun, startFlowHub } from '../flows/flow-test-kit.ts';
import { startReceiver, startSmtp } from '../support/mail-and-webhook-receivers.ts';
import { type ApiClient, BACKENDS, type LooseJson, POSTGRES_ADMIN_URL } from '../support/test-hub.ts';

const HOUR_MS = 3_600_000;
const SUBJECT_OF: Record<AlertRule, RegExp> = {
  flow_failing: /Flow "Alerting flow" failed its last 2 runs/,
  stream_stale: /Stream \d+\/accounts of flow "Alerting flow" has not succeeded for 1 hours/,
  connection_needs_reauth: /Connection .* needs re-authorization/,
  destination_unreachable: /Destination of flow "Alerting flow" is unreachable/,
  budget_nearly_spent: /Division \d+ has spent \d+ of its 1000 daily API calls/,
};

/**
 * Each rule against real runs: the alert e-mail and the recovery e-mail arrive exactly once
 * (however often the rules are evaluated, by the test and by the worker's minute job at once),
 * and the webhook receiver verifies the signature of both deliveries.
 */
describe.each(BACKENDS)(
  'every alert rule opens and recovers once on $name',
  { timeout: 180_000 },
  (backend) => {
    let sim: RunningSimulator;
    let t: TestHub;
    let owner: ApiClient;
    let workspaceId: string;
    let connectionId: string;
    let smtp: Awaited<ReturnType<typeof startSmtp>>;
    let receiver: Awaited<ReturnType<typeof startReceiver>>;
    let secret: string;
    let flowId: string;
    let destinationId: string;
    const schema = `alerts_${randomUUID().slice(0, 8)}`;

    beforeAll(async () => {
      [smtp, receiver] = await Promise.all([startSmtp(), startReceiver()]);
      ({ sim, t, owner, workspaceId, connectionId } = await startFlowHub(
        backend,
        {
          KOPPEL_SMTP_URL: `smtp://127.0.0.1:${smtp.port}`,
          KOPPEL_ALERT_FAILED_RUNS: '2',
          KOPPEL_ALERT_STALE_HOURS: '1',
          KOPPEL_ALERT_BUDGET_PERCENT: '1',
        },
        { features: [flowsFeature, watcherFeature], appLimits: { dailyLimit: 1000 } },
      ));
      const ws = (path: string) => `/api/v1/workspaces/${workspaceId}${path}`;
      expect(
        (await owner.post(ws('/alert-channels'), { kind: 'email', target: 'ops@example.nl' })).status,
      ).toBe(201);
      const webhook = await owner.post(ws('/alert-channels'), { kind: 'webhook', target: receiver.url });
      secret = webhook.body.secret;
    });
    afterAll(async () => {
      await t?.close();
      await sim?.close();
      await new Promise<void>((resolve) => smtp?.server.close(() => resolve()));
      await new Promise<void>((resolve) => receiver?.server.close(() => resolve()));
    });

    /** The test's own evaluations, twice: the second must announce nothing new. */
    const evaluate = async () => {
      await t.hub.services.alerts.evaluate();
      await t.hub.services.alerts.evaluate();
    };
    const mails = (rule: AlertRule, kind: 'alert' | 'recovered') =>
      smtp.mails.filter(
        (mail) => mail.subject.startsWith(`[Koppel ${kind}]`) && SUBJECT_OF[rule].test(mail.subject),
      );
    const deliveries = (rule: AlertRule) =>
      receiver.deliveries
        .map((delivery) => {
          expect(verifyWebhook(secret, Number(delivery.timestamp), delivery.body, delivery.signature)).toBe(
            true,
          );
          return JSON.parse(delivery.body) as LooseJson;
        })
        .filter((body) => body.rule === rule);

    /** The rule announced its incident once by each channel, and (when `recovered`) its recovery once. */
    const announcedOnce = async (rule: AlertRule, subject: string, recovered: boolean) => {
      await eventually(
        async () =>
          mails(rule, recovered ? 'recovered' : 'alert').length > 0 &&
          deliveries(rule).length === (recovered ? 2 : 1),
        `the ${rule} ${recovered ? 'recovery' : 'alert'}`,
      );
      await evaluate();
      expect(mails(rule, 'alert')).toMatchObject([{ to: ['ops@example.nl'], subject: expect.any(String) }]);
      expect(mails(rule, 'recovered')).toHaveLength(recovered ? 1 : 0);
      const events = deliveries(rule);
      expect(events.map((event) => [event.event, event.subject])).toEqual(
        recovered
          ? [
              ['alert.opened', subject],
              ['alert.recovered', subject],
            ]
          : [['alert.opened', subject]],
      );
      if (recovered) expect(events[1]!.incidentId).toBe(events[0]!.incidentId);
    };

    const run = async () => finishedRun(owner, (await owner.post(`/api/v1/flows/${flowId}/run`)).body.id);

    it('a flow failing N runs in a row and its unreachable destination: alert, then recovery once fixed', async () => {
      const refused = await owner.post(`/api/v1/workspaces/${workspaceId}/destinations`, {
        name: 'Warehouse',
        connectionString: 'postgres://postgres@127.0.0.1:1/none',
      });
      destinationId = refused.body.id;
      const flow = await owner.post(`/api/v1/connections/${connectionId}/flows`, {
        packageId: 'replicate',
        name: 'Alerting flow',
        entities: ['accounts'],
        destinationId,
        settings: { schema },
        schedule: '0 3 * * *',
        enabled: true,
      });
      expect(flow.status).toBe(201);
      flowId = flow.body.id;
      expect((await run()).status).toBe('failed');
      await evaluate();
      // One failed run is not yet "2 in a row"; the unreachable destination alerts at once.
      expect(mails('flow_failing', 'alert')).toEqual([]);
      expect((await run()).status).toBe('failed');
      await evaluate();
      await announcedOnce('flow_failing', flowId, false);
      await announcedOnce('destination_unreachable', destinationId, false);

      const fixed = await owner.request(
        'PATCH',
        `/api/v1/workspaces/${workspaceId}/destinations/${destinationId}`,
        {
          connectionString: POSTGRES_ADMIN_URL,
        },
      );
      expect(fixed.status).toBe(200);
      expect((await run()).status).toBe('succeeded');
      await evaluate();
      await announcedOnce('flow_failing', flowId, true);
      await announcedOnce('destination_unreachable', destinationId, true);
    });

    it('a stream that has not succeeded for X hours: alert, then recovery after a run succeeds', async () => {
      // Two hours pass without a successful run of the stream (the rows say so).
      const db = t.hub.services.platform.db;
      const hoursAgo = (n: number) => new Date(Date.now() - n * HOUR_MS).toISOString();
      await db.execute(sql`update flows set created_at = ${hoursAgo(3)}::timestamptz where id = ${flowId}`);
      await db.execute(
        sql`update flow_run_streams set finished_at = ${hoursAgo(2)}::timestamptz
          where run_id in (select id from flow_runs where flow_id = ${flowId})`,
      );
      await evaluate();
      const division = (await owner.get(`/api/v1/flows/${flowId}`)).body.divisions?.[0];
      const stream = deliveries('stream_stale')[0]?.subject ?? '';
      expect(stream).toMatch(new RegExp(`^${flowId}/\\d+/accounts$`));
      if (division !== undefined) expect(stream).toBe(`${flowId}/${division}/accounts`);
      await announcedOnce('stream_stale', stream, false);

      expect((await run()).status).toBe('succeeded');
      await evaluate();
      await announcedOnce('stream_stale', stream, true);
    });

    it("a division's daily budget nearly spent: alert, then recovery when Exact's day resets", async () => {
      // 1% of 1,000 daily calls: the runs so far, and at most a few more, spend that.
      for (let i = 0; i < 5 && deliveries('budget_nearly_spent').length === 0; i++) {
        await evaluate();
        if (deliveries('budget_nearly_spent').length === 0) expect((await run()).status).toBe('succeeded');
      }
      await evaluate();
      const subject = deliveries('budget_nearly_spent')[0]?.subject ?? '';
      expect(subject).toMatch(/^.+:\d+$/);
      await announcedOnce('budget_nearly_spent', subject, false);

      // The flow is switched off first, so the day passing does not also make its stream stale.
      expect((await owner.request('PATCH', `/api/v1/flows/${flowId}`, { enabled: false })).status).toBe(200);
      t.clock.advance(25 * HOUR_MS);
      await evaluate();
      await announcedOnce('budget_nearly_spent', subject, true);

      // Every rule that fired here (and no other) sent exactly its alert and its recovery.
      const fired = ALERT_RULES.filter((rule) => deliveries(rule).length > 0);
      expect(fired.sort()).toEqual(
        ['budget_nearly_spent', 'destination_unreachable', 'flow_failing', 'stream_stale'].sort(),
      );
    });

    afterAll(async () => {
      const client = new pg.Client({ connectionString: POSTGRES_ADMIN_URL });
      await client.connect();
      await client.query(`drop schema if exists ${schema} cascade`);
      await client.end();
    });
  },
);
