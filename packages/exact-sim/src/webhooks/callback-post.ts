// One POST to a webhook callback URL (http or https), with a timeout and an abort signal,
// on a connection of its own so nothing lingers after the simulator closes.
import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

export type PostResult = { ok: boolean; status: number; statusText: string } | { ok: false; error: string };

export function postCallback(
  url: string,
  body: string,
  timeoutMs: number,
  signal: AbortSignal,
): Promise<PostResult> {
  return new Promise((resolve) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      resolve({ ok: false, error: `invalid callback URL ${JSON.stringify(url)}` });
      return;
    }
    const send =
      target.protocol === 'https:' ? httpsRequest : target.protocol === 'http:' ? httpRequest : undefined;
    if (!send) {
      resolve({ ok: false, error: `unsupported callback URL scheme ${target.protocol}` });
      return;
    }
    const headers: Record<string, string | number> = { 'Content-Length': Buffer.byteLength(body) };
    if (body.length > 0) headers['Content-Type'] = 'application/json';
    const req = send(target, { method: 'POST', headers, agent: false, timeout: timeoutMs, signal }, (res) => {
      res.resume();
      res.on('end', () => {
        const status = res.statusCode ?? 0;
        resolve({ ok: status >= 200 && status < 300, status, statusText: res.statusMessage ?? '' });
      });
      res.on('error', (error) => resolve({ ok: false, error: error.message }));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (error) => resolve({ ok: false, error: error.message }));
    req.end(body);
  });
}
