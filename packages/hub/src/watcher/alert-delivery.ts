import nodemailer from 'nodemailer';
import { SIGNATURE_HEADER, signWebhook, TIMESTAMP_HEADER } from './webhook-signature.ts';

/** What an alert channel sends: an incident opened or recovered. */
export interface AlertMessage {
  event: 'alert.opened' | 'alert.recovered' | 'alert.test';
  incidentId: string | null;
  workspaceId: string;
  rule: string;
  subject: string;
  message: string;
  at: string;
}

/** Sends e-mail through the configured SMTP server (nodemailer), one transport per hub. */
export class EmailSender {
  readonly #transport: nodemailer.Transporter | null;
  readonly #from: string;

  constructor(smtpUrl: string | undefined, from: string) {
    this.#transport = smtpUrl ? nodemailer.createTransport(smtpUrl) : null;
    this.#from = from;
  }

  get configured(): boolean {
    return this.#transport !== null;
  }

  async send(to: string, subject: string, text: string): Promise<void> {
    if (this.#transport === null) throw new Error('no SMTP server is configured (KOPPEL_SMTP_URL)');
    await this.#transport.sendMail({ from: this.#from, to, subject, text });
  }

  close(): void {
    this.#transport?.close();
  }
}

export function emailSubject(alert: AlertMessage): string {
  const prefix =
    alert.event === 'alert.opened'
      ? '[Koppel alert]'
      : alert.event === 'alert.recovered'
        ? '[Koppel recovered]'
        : '[Koppel test]';
  return `${prefix} ${alert.message}`;
}

export function emailText(alert: AlertMessage): string {
  return [
    alert.message,
    '',
    `Rule: ${alert.rule}`,
    `Subject: ${alert.subject}`,
    `At: ${alert.at}`,
    alert.event === 'alert.recovered'
      ? 'The condition no longer holds.'
      : 'Open the watcher in Koppel to see what to do.',
  ].join('\n');
}

/** POSTs the alert as JSON, signed (see webhook-signature.ts); throws on a non-2xx answer. */
export async function postWebhook(
  url: string,
  secret: string,
  alert: AlertMessage,
  now: Date,
  fetchImpl: typeof fetch = fetch,
): Promise<void> {
  const body = JSON.stringify(alert);
  const timestamp = Math.floor(now.getTime() / 1000);
  const response = await fetchImpl(url, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      [TIMESTAMP_HEADER]: String(timestamp),
      [SIGNATURE_HEADER]: signWebhook(secret, timestamp, body),
    },
    body,
    signal: AbortSignal.timeout(10_000),
  });
  if (!response.ok) throw new Error(`the webhook answered ${response.status}`);
}
