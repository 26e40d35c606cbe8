// A change-feed receiver for tests: a real HTTP server that verifies every signature the way
// docs/change-feed.md tells receivers to, keeps the events in arrival order, and can be told
// to answer 500 for a while.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifySignature } from '../../src/flows/packages/change-feed/feed-signature.ts';

export interface ReceivedEvent {
  id: string;
  type: 'created' | 'updated' | 'deleted';
  entity: string;
  division: number;
  key: string;
  version: string;
  data: Record<string, unknown> | null;
}

export interface FeedReceiver {
  url: string;
  events: ReceivedEvent[];
  /** POSTs answered, by status. */
  answered: Record<number, number>;
  badSignatures: number;
  /** Answer 500 to the next `n` POSTs (Infinity: until told otherwise). */
  failNext(n: number): void;
  close(): Promise<void>;
}

export async function startFeedReceiver(secret: string): Promise<FeedReceiver> {
  let failing = 0;
  const receiver: Omit<FeedReceiver, 'url' | 'close' | 'failNext'> = {
    events: [],
    answered: {},
    badSignatures: 0,
  };
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      const answer = (status: number, text: string) => {
        receiver.answered[status] = (receiver.answered[status] ?? 0) + 1;
        response.writeHead(status, { 'content-type': 'text/plain' }).end(text);
      };
      if (!verifySignature(secret, request.headers['koppel-signature'] as string | undefined, body)) {
        receiver.badSignatures++;
        answer(401, 'bad signature');
        return;
      }
      if (failing > 0) {
        failing--;
        answer(500, 'receiver down for maintenance');
        return;
      }
      const parsed = JSON.parse(body) as { events: ReceivedEvent[] };
      receiver.events.push(...parsed.events);
      answer(200, `ok ${parsed.events.length}`);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(receiver, {
    url: `http://127.0.0.1:${port}/hooks/exact`,
    failNext(n: number) {
      failing = n;
    },
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }) as FeedReceiver;
}
