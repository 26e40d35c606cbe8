// A real HTTP proxy in front of exact-sim that can cut connections or stall, to exercise
// the SDK's network-error handling without mocking anything.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export type ProxyAction = 'forward' | 'cut' | 'stall';

export interface FlakyProxy {
  url: string;
  /** Requests seen, as `METHOD path`. */
  seen: string[];
  /** Decides per request; default forwards everything. */
  plan: (request: IncomingMessage, index: number) => ProxyAction;
  close(): Promise<void>;
}

async function forward(target: string, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (typeof value === 'string' && !['host', 'connection', 'content-length'].includes(name))
      headers.set(name, value);
  }
  const response = await fetch(`${target}${req.url}`, {
    method: req.method,
    headers,
    body: chunks.length > 0 ? Buffer.concat(chunks) : undefined,
    redirect: 'manual',
  });
  const body = Buffer.from(await response.arrayBuffer());
  const out: Record<string, string> = {};
  response.headers.forEach((value, name) => {
    if (!['content-length', 'content-encoding', 'transfer-encoding', 'connection'].includes(name))
      out[name] = value;
  });
  res.writeHead(response.status, out).end(body);
}

export async function startFlakyProxy(target: string): Promise<FlakyProxy> {
  const stalled: ServerResponse[] = [];
  const proxy: FlakyProxy = {
    url: '',
    seen: [],
    plan: () => 'forward',
    close: async () => {
      for (const res of stalled) res.destroy();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
  const server = createServer((req, res) => {
    const index = proxy.seen.push(`${req.method} ${req.url}`) - 1;
    const action = proxy.plan(req, index);
    if (action === 'cut') {
      req.socket.destroy();
      return;
    }
    if (action === 'stall') {
      stalled.push(res);
      return;
    }
    forward(target, req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  proxy.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return proxy;
}
