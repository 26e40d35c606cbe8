// node:http server that turns each request into a SimRequest, runs the handler and writes
// the reply. Kept deliberately thin: it sits on the path of every data-plane row.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Clock } from '../contract.ts';
import { DROP_CONNECTION, type Handler, type Reply, type SimRequest } from './http-types.ts';

export interface HttpServerOptions {
  clock: Clock;
  maxBodyBytes: number;
  /** Fixed base URL for generated links; otherwise taken from the Host header. */
  publicUrl?: string;
  handler: Handler;
  /** Called with errors a handler threw (they are answered with 500). */
  onError: (error: unknown) => void;
}

class BodyTooLargeError extends Error {
  readonly code = 'body_too_large';
}

function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(new BodyTooLargeError(`request body larger than ${limit} bytes`));
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

function toSimRequest(req: IncomingMessage, body: Buffer, publicUrl: string | undefined): SimRequest {
  const url = req.url ?? '/';
  const q = url.indexOf('?');
  const headers: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    headers[name] = Array.isArray(value) ? value.join(', ') : value;
  }
  return {
    method: req.method ?? 'GET',
    path: q === -1 ? url : url.slice(0, q),
    rawQuery: q === -1 ? '' : url.slice(q + 1),
    headers,
    body,
    baseUrl: publicUrl ?? `http://${req.headers.host ?? 'localhost'}`,
  };
}

function write(res: ServerResponse, reply: Reply, clock: Clock): void {
  // Encoded once: measuring a string's byte length and then writing it walks a large page twice.
  const body = Buffer.isBuffer(reply.body) ? reply.body : Buffer.from(reply.body ?? '');
  const headers: Record<string, string | string[] | number> = {
    ...reply.headers,
    Date: new Date(clock.now()).toUTCString(),
    'Content-Length': body.length,
  };
  res.writeHead(reply.status, headers);
  res.end(body);
}

export interface RunningHttpServer {
  server: Server;
  port: number;
  close(): Promise<void>;
}

export async function startHttpServer(
  options: HttpServerOptions,
  host: string,
  port: number,
): Promise<RunningHttpServer> {
  const { clock, handler, maxBodyBytes, publicUrl, onError } = options;
  const server = createServer(async (req, res) => {
    let outcome: Awaited<ReturnType<Handler>>;
    try {
      const body = await readBody(req, maxBodyBytes);
      outcome = await handler(toSimRequest(req, body, publicUrl));
    } catch (error) {
      if (error instanceof BodyTooLargeError) {
        outcome = {
          status: 413,
          headers: { 'Content-Type': 'text/plain; charset=utf-8' },
          body: error.message,
        };
      } else {
        onError(error);
        outcome = {
          status: 500,
          headers: { 'Content-Type': 'application/json; charset=utf-8' },
          body: JSON.stringify({
            error: { code: '', message: { lang: '', value: 'A problem has occurred in the simulator.' } },
          }),
        };
      }
    }
    if (outcome === DROP_CONNECTION) {
      req.socket.destroy();
      return;
    }
    if (res.destroyed) return;
    write(res, outcome, clock);
  });
  server.keepAliveTimeout = 5000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
