import type { SqlDriver } from '../../../destinations/sql-driver.ts';
import { quoteIdent } from '../../../destinations/sql-identifier.ts';
import { CursorTable } from '../../destination-cursors.ts';
import type { StreamCursor } from '../../stream-cursor.ts';

/** One record version to send; `body` is the event's JSON, kept byte for byte until delivered. */
export interface FeedEvent {
  eventId: string;
  recordKey: string;
  type: 'created' | 'updated' | 'deleted';
  body: string;
}

/** A record change before the outbox knows whether the receiver has heard of the record. */
export interface CapturedChange {
  eventId: string;
  recordKey: string;
  deleted: boolean;
  /** The event's JSON for a given type. */
  render(type: FeedEvent['type']): string;
}

export interface PendingBatch {
  seqs: string[];
  bodies: string[];
  /** When the oldest event may be tried again (exponential backoff after failures). */
  dueAt: Date;
}

/** What the receiver answered to one POST (or why nothing was answered). */
export interface DeliveryAnswer {
  batchId: string;
  status: number | null;
  bodyExcerpt: string | null;
  error: string | null;
  durationMs: number;
  attemptedAt: Date;
}

export interface DeadLetter {
  seq: string;
  streamId: string;
  eventId: string;
  recordKey: string;
  type: string;
  attempts: number;
  lastError: string | null;
}

export interface DeliveryRecord extends DeliveryAnswer {
  streamId: string;
  events: number;
}

/** Longest wait between two attempts, however many failed. */
const MAX_BACKOFF_MS = 3_600_000;

/**
 * The change feed's state in the flow's database: per stream its cursor in Exact's feeds and
 * an ordered outbox of events. Events and the cursor that covers them commit together, so
 * every record version is captured exactly once; delivery from the outbox is at-least-once
 * (a crash after the POST and before marking it sends the batch again; event ids are stable).
 */
export class FeedOutbox {
  readonly #driver: SqlDriver;
  readonly #schema: string;
  readonly #cursors: CursorTable;
  readonly #events: string;
  readonly #deliveries: string;

  constructor(driver: SqlDriver, schema: string) {
    this.#driver = driver;
    this.#schema = quoteIdent(schema);
    this.#cursors = new CursorTable(`${this.#schema}.cursors`);
    this.#events = `${this.#schema}.events`;
    this.#deliveries = `${this.#schema}.deliveries`;
  }

  /** Creates the tables (once per schema, one process at a time) and the stream's cursor row. */
  async prepare(streamId: string): Promise<StreamCursor> {
    return this.#driver.transaction(async (session) => {
      await session.query('select pg_advisory_xact_lock(hashtext($1))', [`koppel-feed:${this.#schema}`]);
      await session.query(`create schema if not exists ${this.#schema}`);
      await session.query(
        `create table if not exists ${this.#events} (seq bigserial primary key, stream_id text not null, event_id text not null,
           record_key text not null, type text not null, body text not null, status text not null default 'pending',
           attempts integer not null default 0, next_attempt_at timestamptz not null default now(), last_error text,
           captured_at timestamptz not null default now(), delivered_at timestamptz, unique (stream_id, event_id))`,
      );
      await session.query(
        `create index if not exists events_stream_status_idx on ${this.#events} (stream_id, status, seq)`,
      );
      await session.query(
        `create index if not exists events_stream_key_idx on ${this.#events} (stream_id, record_key)`,
      );
      await session.query(
        `create table if not exists ${this.#deliveries} (id bigserial primary key, stream_id text not null, batch_id text not null,
           attempted_at timestamptz not null, events integer not null, status integer, body_excerpt text, error text, duration_ms integer not null)`,
      );
      return this.#cursors.ensure(session, streamId);
    });
  }

  /**
   * Appends the changes in order and moves the cursor from `from` to `to` in one transaction;
   * a record version already captured (same event id) is not captured twice. A record the
   * stream never sent before is `created`, else `updated`. Returns the events appended.
   */
  async capture(
    streamId: string,
    changes: readonly CapturedChange[],
    from: StreamCursor,
    to: StreamCursor,
  ): Promise<number> {
    return this.#driver.transaction(async (session) => {
      await this.#cursors.advance(session, streamId, from, to);
      if (changes.length === 0) return 0;
      const keys = [...new Set(changes.map((change) => change.recordKey))];
      const known = await session.query<{ record_key: string }>(
        `select distinct record_key from ${this.#events} where stream_id = $1 and record_key = any($2::text[])`,
        [streamId, keys],
      );
      const seen = new Set(known.rows.map((row) => row.record_key));
      const events: FeedEvent[] = changes.map((change) => {
        const type = change.deleted ? 'deleted' : seen.has(change.recordKey) ? 'updated' : 'created';
        seen.add(change.recordKey);
        return { eventId: change.eventId, recordKey: change.recordKey, type, body: change.render(type) };
      });
      const result = await session.query(
        `insert into ${this.#events} (stream_id, event_id, record_key, type, body)
         select $1, e->>'eventId', e->>'recordKey', e->>'type', e->>'body'
         from jsonb_array_elements($2::jsonb) with ordinality as t(e, n) order by n
         on conflict (stream_id, event_id) do nothing`,
        [streamId, JSON.stringify(events)],
      );
      return result.affected;
    });
  }

  /** The oldest pending events of the stream, in capture order (per-record order kept). */
  async nextBatch(streamId: string, size: number): Promise<PendingBatch | undefined> {
    const result = await this.#driver.query<{ seq: string; body: string; next_attempt_at: Date | string }>(
      `select seq::text as seq, body, next_attempt_at from ${this.#events}
       where stream_id = $1 and status = 'pending' order by seq limit $2`,
      [streamId, size],
    );
    const head = result.rows[0];
    if (head === undefined) return undefined;
    return {
      seqs: result.rows.map((row) => row.seq),
      bodies: result.rows.map((row) => row.body),
      dueAt: new Date(head.next_attempt_at),
    };
  }

  /**
   * Records the receiver's answer and moves the batch's events on: delivered on 2xx; else one
   * more attempt counted and the next one due after `retryDelayMs` doubled per attempt, or
   * dead-lettered once `maxAttempts` were made. Returns how many were dead-lettered.
   */
  async recordAttempt(
    streamId: string,
    batch: PendingBatch,
    answer: DeliveryAnswer,
    policy: { maxAttempts: number; retryDelayMs: number },
  ): Promise<{ delivered: number; deadLettered: number }> {
    const ok = answer.status !== null && answer.status >= 200 && answer.status < 300;
    return this.#driver.transaction(async (session) => {
      await session.query(
        `insert into ${this.#deliveries} (stream_id, batch_id, attempted_at, events, status, body_excerpt, error, duration_ms)
         values ($1, $2, $3, $4, $5, $6, $7, $8)`,
        [
          streamId,
          answer.batchId,
          answer.attemptedAt.toISOString(),
          batch.seqs.length,
          answer.status,
          answer.bodyExcerpt,
          answer.error,
          answer.durationMs,
        ],
      );
      if (ok) {
        const done = await session.query(
          `update ${this.#events} set status = 'delivered', delivered_at = now(), attempts = attempts + 1
           where seq = any($1::bigint[])`,
          [batch.seqs],
        );
        return { delivered: done.affected, deadLettered: 0 };
      }
      const error = answer.error ?? `HTTP ${answer.status}`;
      const dead = await session.query(
        `update ${this.#events} set attempts = attempts + 1, last_error = $2,
           status = case when attempts + 1 >= $3 then 'dead' else 'pending' end,
           next_attempt_at = $4::timestamptz + least($5::double precision * power(2, attempts), $6) * interval '1 millisecond'
         where seq = any($1::bigint[]) returning status`,
        [
          batch.seqs,
          error,
          policy.maxAttempts,
          answer.attemptedAt.toISOString(),
          policy.retryDelayMs,
          MAX_BACKOFF_MS,
        ],
      );
      return {
        delivered: 0,
        deadLettered: dead.rows.filter((row) => (row as { status: string }).status === 'dead').length,
      };
    });
  }

  /** Events not yet delivered (pending or dead) of streams whose id starts with `prefix`. */
  async backlog(prefix: string): Promise<{ pending: number; dead: number }> {
    const result = await this.#driver.query<{ pending: string; dead: string }>(
      `select count(*) filter (where status = 'pending') as pending, count(*) filter (where status = 'dead') as dead
       from ${this.#events} where starts_with(stream_id, $1)`,
      [prefix],
    );
    return { pending: Number(result.rows[0]?.pending ?? 0), dead: Number(result.rows[0]?.dead ?? 0) };
  }

  async deadLetters(prefix: string, limit: number): Promise<DeadLetter[]> {
    const result = await this.#driver.query<{
      seq: string;
      stream_id: string;
      event_id: string;
      record_key: string;
      type: string;
      attempts: number;
      last_error: string | null;
    }>(
      `select seq::text as seq, stream_id, event_id, record_key, type, attempts, last_error from ${this.#events}
       where starts_with(stream_id, $1) and status = 'dead' order by seq limit $2`,
      [prefix, limit],
    );
    return result.rows.map((row) => ({
      seq: row.seq,
      streamId: row.stream_id,
      eventId: row.event_id,
      recordKey: row.record_key,
      type: row.type,
      attempts: row.attempts,
      lastError: row.last_error,
    }));
  }

  /** Dead-lettered events back to pending, due now, with a fresh attempt count; returns how many. */
  async retryDeadLetters(prefix: string, eventIds: readonly string[] | null): Promise<number> {
    const result = await this.#driver.query(
      `update ${this.#events} set status = 'pending', attempts = 0, next_attempt_at = now()
       where starts_with(stream_id, $1) and status = 'dead' and ($2::text[] is null or event_id = any($2::text[]))`,
      [prefix, eventIds],
    );
    return result.affected;
  }

  /** The receiver's latest answers, newest first. */
  async deliveries(prefix: string, limit: number): Promise<DeliveryRecord[]> {
    const result = await this.#driver.query<{
      stream_id: string;
      batch_id: string;
      attempted_at: Date | string;
      events: number;
      status: number | null;
      body_excerpt: string | null;
      error: string | null;
      duration_ms: number;
    }>(
      `select stream_id, batch_id, attempted_at, events, status, body_excerpt, error, duration_ms from ${this.#deliveries}
       where starts_with(stream_id, $1) order by id desc limit $2`,
      [prefix, limit],
    );
    return result.rows.map((row) => ({
      streamId: row.stream_id,
      batchId: row.batch_id,
      attemptedAt: new Date(row.attempted_at),
      events: row.events,
      status: row.status,
      bodyExcerpt: row.body_excerpt,
      error: row.error,
      durationMs: row.duration_ms,
    }));
  }

  /** Whether the outbox tables exist yet (before the first run they do not). */
  async exists(): Promise<boolean> {
    const result = await this.#driver.query<{ found: boolean }>(
      'select to_regclass($1) is not null as found',
      [`${this.#schema}.events`],
    );
    return result.rows[0]?.found === true;
  }
}
