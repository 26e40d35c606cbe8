// The README's token-sharing example, type-checked by `tsc` (readme.test.ts keeps the two equal).
import { accounts, ExactClient, type LockedTokens, type TokenSet, type TokenStore } from '@koppel/exact';
import pg from 'pg';

// create table exact_tokens (key text primary key, tokens jsonb not null);
class PostgresTokenStore implements TokenStore {
  readonly #pool: pg.Pool;

  constructor(pool: pg.Pool) {
    this.#pool = pool;
  }

  async load(key: string): Promise<TokenSet | undefined> {
    const { rows } = await this.#pool.query('select tokens from exact_tokens where key = $1', [key]);
    return rows[0]?.tokens;
  }

  async save(key: string, tokens: TokenSet): Promise<void> {
    await this.#pool.query(
      `insert into exact_tokens (key, tokens) values ($1, $2)
       on conflict (key) do update set tokens = excluded.tokens`,
      [key, tokens],
    );
  }

  // One transaction holding a lock on the key: other processes wait here, then re-read the
  // pair the winner saved, so a refresh token is never spent twice. Commit makes it durable.
  async withRefreshLock<T>(key: string, fn: (locked: LockedTokens) => Promise<T>): Promise<T> {
    const client = await this.#pool.connect();
    try {
      await client.query('begin');
      await client.query('select pg_advisory_xact_lock(hashtext($1))', [key]);
      const result = await fn({
        load: async () =>
          (await client.query('select tokens from exact_tokens where key = $1', [key])).rows[0]?.tokens,
        save: async (tokens) => {
          await client.query('update exact_tokens set tokens = $2 where key = $1', [key, tokens]);
        },
      });
      await client.query('commit');
      return result;
    } catch (error) {
      await client.query('rollback');
      throw error;
    } finally {
      client.release();
    }
  }
}

// Every process (web server, workers, cron jobs) builds its client on the same store and key.
const exact = new ExactClient({
  region: 'nl',
  clientId: process.env.EXACT_CLIENT_ID!,
  clientSecret: process.env.EXACT_CLIENT_SECRET!,
  redirectUri: 'https://example.com/oauth/exact/callback',
  tokenStore: new PostgresTokenStore(new pg.Pool({ connectionString: process.env.DATABASE_URL })),
  connectionKey: 'acme-bv', // one key per authorized Exact user + app
});
for await (const account of exact.division(123456).query(accounts).select('ID', 'Name').rows()) {
  console.log(account.Name);
}
