// A stand-in for an app's OAuth redirect URI in browser tests: records each callback and
// answers a page titled `title`, so a test can wait for the browser to come back.
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface AppCallback {
  redirectUri: string;
  callbacks: URL[];
  close(): Promise<void>;
}

export async function startAppCallback(path: string, title: string): Promise<AppCallback> {
  const callbacks: URL[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    if (url.pathname === path) callbacks.push(url);
    res
      .writeHead(200, { 'content-type': 'text/html' })
      .end(`<title>${title}</title><h1>Back in the app</h1>`);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    redirectUri: `http://127.0.0.1:${(server.address() as AddressInfo).port}${path}`,
    callbacks,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
