// The README's complete example, type-checked by `tsc` (readme.test.ts keeps the two equal).
import { randomUUID } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { accounts, ExactClient, ExactTokenError, MemoryTokenStore } from '@koppel/exact';

const exact = new ExactClient({
  region: 'nl', // nl, be, de, uk, us, es, fr — or a base URL such as a running exact-sim
  clientId: process.env.EXACT_CLIENT_ID!,
  clientSecret: process.env.EXACT_CLIENT_SECRET!,
  redirectUri: 'http://127.0.0.1:3000/oauth/exact/callback',
  tokenStore: new MemoryTokenStore(), // bring your own shared store in production
});

// 1. Authorize: send the user to Exact, receive the code on the redirect URI.
const state = randomUUID();
console.log('Open', exact.authorizeUrl({ state, forceLogin: true }));
const code = await new Promise<string>((resolve) => {
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1:3000');
    if (url.searchParams.get('state') !== state) return void res.writeHead(400).end('bad state');
    res.end('Connected, you can close this tab.');
    server.close();
    resolve(url.searchParams.get('code') ?? '');
  }).listen(3000, '127.0.0.1');
});
await exact.connect(code);

// 2. Pick a division explicitly (never rely on CurrentDivision).
const divisions = await exact.divisions();
for (const d of divisions) console.log(d.Code, d.Description);
const division = exact.division(divisions[0]!.Code!, { background: true });

// 3. Incremental sync with a saved cursor: checkpoint after every page (1,000 rows).
const cursorFile = 'accounts.cursor';
const since = await readFile(cursorFile, 'utf8').catch(() => '0');
try {
  for await (const page of division.sync(accounts, { since, select: ['ID', 'Code', 'Name', 'Modified'] })) {
    for (const account of page.rows) {
      // Typed: account.Code is trimmed ('42'), account.Modified a Date, account.Timestamp a bigint.
      await upsert(account.ID!, { code: account.Code, name: account.Name, modified: account.Modified });
    }
    await writeFile(cursorFile, page.cursor); // resume here after a crash
  }

  // 4. Handle deletes: sync/Deleted, mapped to the entity each row belongs to.
  const deletedSince = await readFile('deleted.cursor', 'utf8').catch(() => '0');
  for await (const page of division.deleted({ since: deletedSince, entities: [accounts] })) {
    for (const deletion of page.rows)
      await remove(deletion.entity?.name ?? deletion.entityTypeName, deletion.key);
    await writeFile('deleted.cursor', page.cursor);
  }
} catch (error) {
  if (error instanceof ExactTokenError && error.reauthorizationRequired) {
    console.error('Exact access was lost; authorize again:', error.message);
  } else {
    throw error;
  }
}

declare function upsert(id: string, row: object): Promise<void>;
declare function remove(entity: string | undefined, key: string): Promise<void>;
