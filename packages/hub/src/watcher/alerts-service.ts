import { randomBytes, randomUUID } from 'node:crypto';
import type { Logger } from 'pino';
import type { Clock } from '../clock.ts';
import { HubError } from '../errors/hub-error.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { AlertChannelKind } from '../storage/schema.ts';
import {
  type AlertMessage,
  type EmailSender,
  emailSubject,
  emailText,
  postWebhook,
} from './alert-delivery.ts';
import type {
  AlertChannelRow,
  AlertIncidentRow,
  AlertsRepository,
  AlertThresholds,
} from './alerts-repository.ts';

const secretContext = (channelId: string) => `alert-channel:${channelId}`;

/**
 * Alert rules over the hub's state, and their delivery. `evaluate` opens an incident for each
 * condition that newly holds and recovers each open incident whose condition is gone; only the
 * call that opens (or recovers) an incident sends its message, so a condition that stays true
 * sends once and any number of workers evaluating at once never send twice.
 */
export class AlertsService {
  readonly #repository: AlertsRepository;
  readonly #email: EmailSender;
  readonly #secrets: SecretBox;
  readonly #clock: Clock;
  readonly #logger: Logger;
  readonly #thresholds: AlertThresholds;
  readonly #fetch: typeof fetch;

  constructor(deps: {
    repository: AlertsRepository;
    email: EmailSender;
    secrets: SecretBox;
    clock: Clock;
    logger: Logger;
    thresholds: AlertThresholds;
    fetch?: typeof fetch;
  }) {
    this.#repository = deps.repository;
    this.#email = deps.email;
    this.#secrets = deps.secrets;
    this.#clock = deps.clock;
    this.#logger = deps.logger;
    this.#thresholds = deps.thresholds;
    this.#fetch = deps.fetch ?? fetch;
  }

  channels(workspaceId: string): Promise<AlertChannelRow[]> {
    return this.#repository.channels(workspaceId);
  }

  /** Adds a channel; a webhook gets a new signing secret, returned this once. */
  async addChannel(
    workspaceId: string,
    input: { kind: AlertChannelKind; target: string },
  ): Promise<{ channel: AlertChannelRow; secret: string | null }> {
    if (input.kind === 'email' && !this.#email.configured) {
      throw new HubError('smtp_not_configured');
    }
    const id = randomUUID();
    const secret = input.kind === 'webhook' ? `whsec_${randomBytes(24).toString('base64url')}` : null;
    const secretEnc = secret === null ? null : this.#secrets.seal(secret, secretContext(id));
    const channel = await this.#repository.createChannel({ id, workspaceId, ...input, secretEnc });
    return { channel, secret };
  }

  async deleteChannel(workspaceId: string, id: string): Promise<void> {
    if (!(await this.#repository.deleteChannel(workspaceId, id)))
      throw new HubError('alert_channel_not_found');
  }

  incidents(workspaceId: string, limit: number): Promise<AlertIncidentRow[]> {
    return this.#repository.incidents(workspaceId, limit);
  }

  /** "Send test e-mail": proves the SMTP settings by sending one message to `to`. */
  async sendTestEmail(workspaceId: string, to: string): Promise<void> {
    if (!this.#email.configured) throw new HubError('smtp_not_configured');
    const alert: AlertMessage = {
      event: 'alert.test',
      incidentId: null,
      workspaceId,
      rule: 'test',
      subject: workspaceId,
      message: 'This is a test e-mail from Koppel: alerts can reach you.',
      at: this.#clock.now().toISOString(),
    };
    try {
      await this.#email.send(to, emailSubject(alert), emailText(alert));
    } catch (error) {
      throw new HubError(
        'smtp_failed',
        `The SMTP server did not take the e-mail: ${error instanceof Error ? error.message : String(error)}`,
      );
    }
  }

  /** Opens and recovers incidents against the current state; returns what it announced. */
  async evaluate(): Promise<{ opened: AlertIncidentRow[]; recovered: AlertIncidentRow[] }> {
    const now = this.#clock.now();
    const holding = await this.#repository.conditions(now, this.#thresholds);
    const key = (c: { workspaceId: string; rule: string; subject: string }) =>
      `${c.workspaceId} ${c.rule} ${c.subject}`;
    const holds = new Set(holding.map(key));
    const opened: AlertIncidentRow[] = [];
    const recovered: AlertIncidentRow[] = [];
    for (const condition of holding) {
      const incident = await this.#repository.open(condition, now);
      if (incident) opened.push(incident);
    }
    for (const incident of await this.#repository.openIncidents()) {
      if (holds.has(key(incident))) continue;
      const closed = await this.#repository.recover(incident.id, now);
      if (closed) recovered.push(closed);
    }
    for (const incident of opened) await this.#announce(incident, 'alert.opened');
    for (const incident of recovered) await this.#announce(incident, 'alert.recovered');
    return { opened, recovered };
  }

  async #announce(incident: AlertIncidentRow, event: AlertMessage['event']): Promise<void> {
    const alert: AlertMessage = {
      event,
      incidentId: incident.id,
      workspaceId: incident.workspaceId,
      rule: incident.rule,
      subject: incident.subject,
      message: event === 'alert.recovered' ? `Recovered: ${incident.message}` : incident.message,
      at: (incident.recoveredAt ?? incident.openedAt).toISOString(),
    };
    for (const channel of await this.#repository.channels(incident.workspaceId)) {
      try {
        if (channel.kind === 'email') {
          await this.#email.send(channel.target, emailSubject(alert), emailText(alert));
        } else {
          const secret = this.#secrets.open(channel.secretEnc ?? '', secretContext(channel.id));
          await postWebhook(channel.target, secret, alert, this.#clock.now(), this.#fetch);
        }
      } catch (error) {
        // One unreachable channel must not keep the others from hearing about the incident.
        this.#logger.warn(
          {
            channelId: channel.id,
            incidentId: incident.id,
            reason: error instanceof Error ? error.message : String(error),
          },
          'alert delivery failed',
        );
      }
    }
  }
}
