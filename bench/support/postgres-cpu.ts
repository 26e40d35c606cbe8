// CPU time of the Postgres backends serving one benchmark database, read from /proc (the
// benchmarks run Postgres on the same machine). Pooled connections come and go, so each
// backend's CPU is sampled while it lives and its last sample counts.
import pg from 'pg';
import { cpuSecondsOf } from './process-usage.ts';

export interface PostgresCpu {
  /** Reads the CPU of every backend connected to the database now. */
  sample(): Promise<void>;
  /** CPU seconds the backends used since the first sample. */
  seconds(): number;
  close(): Promise<void>;
}

export async function watchPostgresCpu(url: string): Promise<PostgresCpu> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const own = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0]?.pid;
  const first = new Map<number, number>();
  const last = new Map<number, number>();
  let sampled = false;
  const sample = async () => {
    const { rows } = await client.query<{ pid: number }>(
      'select pid from pg_stat_activity where datname = current_database() and pid <> $1',
      [own],
    );
    for (const { pid } of rows) {
      let cpu: number;
      try {
        cpu = cpuSecondsOf(pid);
      } catch {
        continue; // ended between the query and the read
      }
      // A backend born after the first sample started from nothing.
      if (!first.has(pid)) first.set(pid, sampled ? 0 : cpu);
      last.set(pid, cpu);
    }
    sampled = true;
  };
  await sample();
  return {
    sample,
    seconds: () => [...last].reduce((sum, [pid, cpu]) => sum + cpu - (first.get(pid) ?? 0), 0),
    close: () => client.end(),
  };
}
