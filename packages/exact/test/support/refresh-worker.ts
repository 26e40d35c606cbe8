// One OS process of the multi-process token test: prints "ready" once set up, waits for "go"
// on stdin (so every process is past its start-up before any calls), then makes API calls
// through a client whose tokens live in the shared file store.
import { accounts, ExactClient } from '../../src/index.ts';
import { FileTokenStore } from './file-token-store.ts';

const [url, clientId, clientSecret, redirectUri, storePath, division, clockOffset] = process.argv.slice(2);

const exact = new ExactClient({
  region: url as string,
  clientId: clientId as string,
  clientSecret: clientSecret as string,
  redirectUri: redirectUri as string,
  tokenStore: new FileTokenStore(storePath as string),
  connectionKey: 'shared-connection',
  clock: { now: () => Date.now() + Number(clockOffset) },
});

process.stdout.write('ready\n');
await new Promise<void>((resolve) => {
  let input = '';
  process.stdin.on('data', (chunk) => {
    input += chunk;
    if (input.includes('go\n')) resolve();
  });
});
process.stdin.destroy();
const rows = await Promise.all(
  Array.from({ length: 3 }, () => exact.division(Number(division)).query(accounts).select('ID').first()),
);
process.stdout.write(`${JSON.stringify({ pid: process.pid, ok: rows.every((row) => row?.ID) })}\n`);
