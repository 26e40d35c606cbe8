// What the hub's e-mails and alert webhooks are delivered to in tests: a real SMTP server and a webhook receiver, both in the test process.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';
import { SIGNATURE_HEADER, TIMESTAMP_HEADER } from '../../src/watcher/webhook-signature.ts';

export interface Mail {
  to: string[];
  subject: string;
  /** The text part as a mail client shows it (quoted-printable undone). */
  text: string;
}
export interface Delivery {
  timestamp: string;
  signature: string;
  body: string;
}

/** Undoes RFC 2047 Q-encoding (`=?UTF-8?Q?…?=`), as a mail client shows the subject. */
function decodeWords(header: string): string {
  return header.replace(/=\?UTF-8\?Q\?(.*?)\?=\s*/gi, (_, text: string) =>
    text
      .replace(/_/g, ' ')
      .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16))),
  );
}

/** Undoes quoted-printable (RFC 2045): soft line breaks, then `=XX` bytes. */
function decodeQuotedPrintable(body: string): string {
  const bytes = body
    .replace(/=\r\n/g, '')
    .replace(/=([0-9A-F]{2})/gi, (_m, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
  return Buffer.from(bytes, 'latin1').toString('utf8');
}

/** A real SMTP server in the test process: every message it accepts, with its subject and text. */
export async function startSmtp(): Promise<{ server: SMTPServer; port: number; mails: Mail[] }> {
  const mails: Mail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let raw = '';
      stream.on('data', (chunk: Buffer) => {
        raw += chunk.toString('utf8');
      });
      stream.on('end', () => {
        const header = /^Subject: (.*(?:\r\n[ \t].*)*)/m.exec(raw)?.[1]?.replace(/\r\n[ \t]/g, ' ') ?? '';
        const split = raw.indexOf('\r\n\r\n');
        const head = raw.slice(0, split);
        const body = raw.slice(split + 4);
        const text = /^Content-Transfer-Encoding: quoted-printable/im.test(head)
          ? decodeQuotedPrintable(body)
          : body;
        mails.push({
          to: session.envelope.rcptTo.map((r) => r.address),
          subject: decodeWords(header),
          text: text.replace(/\r\n/g, '\n').replace(/\n\.?\n?$/, ''),
        });
        callback();
      });
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.server.address() as AddressInfo).port, mails };
}

/** An SMTP server that refuses every recipient with `550 {reason}`, as a mailbox that does not exist. */
export async function startRefusingSmtp(reason: string): Promise<{ server: SMTPServer; port: number }> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onRcptTo(_address, _session, callback) {
      callback(new Error(`550 ${reason}`));
    },
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, port: (server.server.address() as AddressInfo).port };
}

/** A webhook receiver: every POST with its signature headers and raw body. */
export async function startReceiver(): Promise<{ server: Server; url: string; deliveries: Delivery[] }> {
  const deliveries: Delivery[] = [];
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => {
      body += chunk.toString('utf8');
    });
    request.on('end', () => {
      deliveries.push({
        timestamp: String(request.headers[TIMESTAMP_HEADER]),
        signature: String(request.headers[SIGNATURE_HEADER]),
        body,
      });
      response.writeHead(204).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/koppel`, deliveries };
}
