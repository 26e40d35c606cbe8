import type { SqlDriver } from '../../../destinations/sql-driver.ts';
import { quoteIdent } from '../../../destinations/sql-identifier.ts';
import { CursorTable } from '../../destination-cursors.ts';
import type { StreamCursor } from '../../stream-cursor.ts';
import { eventId } from '../change-feed/event-id.ts';
import { type FeedEndpoint, postBatch } from '../change-feed/feed-delivery.ts';
import type { RelationRow, RelationsSink, RemovedRecord } from './relations-sink.ts';

/** Thrown when the receiver does not take a batch: the page's cursor stays, the next run sends it again. */
export class RelationsWebhookError extends Error {
  readonly code = 'relations_webhook_failed';
  constructor(message: string) {
    super(message);
    this.name = 'RelationsWebhookError';
  }
}

/**
 * The relations replicator's records as signed JSON POSTs, with the change feed's envelope and
 * signature (`Koppel-Signature`, docs/change-feed.md): `upserted` events carry the record's
 * columns and problems, `deleted` ones only the key. A page's cursor moves (in the flow's
 * database) only after the receiver answered 2xx to all its batches: delivery is at least
 * once, and event ids are stable per record version so the receiver drops repeats.
 */
export class RelationsWebhook implements RelationsSink {
  readonly #driver: SqlDriver;
  readonly #schema: string;
  readonly #cursors: CursorTable;
  readonly #streamId: string;
  readonly #entity: string;
  readonly #division: number;
  readonly #endpoint: FeedEndpoint;
  readonly #batchSize: number;
  readonly #signal: AbortSignal | undefined;

  constructor(options: {
    driver: SqlDriver;
    /** Holds the cursors (`<schema>._koppel_cursors`) in the flow's database. */
    schema: string;
    streamId: string;
    entity: string;
    division: number;
    endpoint: FeedEndpoint;
    batchSize: number;
    signal?: AbortSignal | undefined;
  }) {
    this.#driver = options.driver;
    this.#schema = quoteIdent(options.schema);
    this.#cursors = new CursorTable(`${this.#schema}._koppel_cursors`);
    this.#streamId = options.streamId;
    this.#entity = options.entity;
    this.#division = options.division;
    this.#endpoint = options.endpoint;
    this.#batchSize = options.batchSize;
    this.#signal = options.signal;
  }

  async prepare(): Promise<StreamCursor> {
    return this.#driver.transaction(async (session) => {
      await session.query('select pg_advisory_xact_lock(hashtext($1))', [`koppel-relations:${this.#schema}`]);
      await session.query(`create schema if not exists ${this.#schema}`);
      return this.#cursors.ensure(session, this.#streamId);
    });
  }

  async write(
    rows: readonly RelationRow[],
    removed: readonly RemovedRecord[],
    from: StreamCursor,
    to: StreamCursor,
  ): Promise<{ written: number; deleted: number }> {
    const events = [
      ...rows.map((row) => this.#event(row.id, row.timestamp, { ...row.values, problems: row.problems })),
      ...removed.map((record) => this.#event(record.id, record.version, null)),
    ];
    for (let start = 0; start < events.length; start += this.#batchSize) {
      const answer = await postBatch(
        this.#endpoint,
        events.slice(start, start + this.#batchSize),
        this.#signal,
      );
      if (answer.status === null || answer.status < 200 || answer.status > 299) {
        const said =
          answer.error ?? `HTTP ${answer.status}${answer.bodyExcerpt ? `: ${answer.bodyExcerpt}` : ''}`;
        throw new RelationsWebhookError(
          `The webhook did not take batch ${answer.batchId} (${said}); the next run sends this page again.`,
        );
      }
    }
    await this.#driver.transaction((session) => this.#cursors.advance(session, this.#streamId, from, to));
    return { written: rows.length, deleted: removed.length };
  }

  async finish(): Promise<void> {}

  #event(key: string, version: string, data: Record<string, unknown> | null): string {
    const deleted = data === null;
    return JSON.stringify({
      id: eventId(this.#division, this.#entity, key, version, deleted),
      type: deleted ? 'deleted' : 'upserted',
      entity: this.#entity,
      division: this.#division,
      key,
      version,
      data,
    });
  }
}
