// A fresh Postgres database for one benchmark run, dropped afterwards.
import pg from 'pg';

const ADMIN_URL = process.env.KOPPEL_BENCH_POSTGRES_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/** Creates `koppel_bench_<label>_<pid>` on KOPPEL_BENCH_POSTGRES_URL (default the local Postgres). */
export async function createBenchDatabase(label: string): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `koppel_bench_${label}_${process.pid}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  await admin.connect();
  await admin.query(`create database ${name}`);
  const url = new URL(ADMIN_URL);
  url.pathname = `/${name}`;
  return {
    url: url.toString(),
    async drop() {
      await admin.query(`drop database if exists ${name} with (force)`);
      await admin.end();
    },
  };
}
