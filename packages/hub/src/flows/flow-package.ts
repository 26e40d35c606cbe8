import type { DivisionClient, Region } from '@koppel/exact';
import type { z } from 'zod';
import type { PostgresDestination } from '../destinations/postgres-destination.ts';
import type { RecordFailure } from './record-failure.ts';
import type { StreamProgress } from './stream-stats.ts';

/** One entity a package can move, as the dashboard lists it. */
export interface PackageEntity {
  /** Stable name used in flows and stream ids, e.g. `accounts`. */
  readonly name: string;
  readonly title: string;
  /** Part of the package's default set for a new flow. */
  readonly byDefault: boolean;
  /** Exact's webhook topic announcing its changes, when Exact has one (facts §6.2). */
  readonly webhookTopic?: string | undefined;
  /** Exact's scope name: the app permission reading the entity needs (the dashboard groups by it). */
  readonly scope?: string | undefined;
  /** The Exact endpoint the entity is read from, e.g. `sync/Project/Projects`. */
  readonly endpoint?: string | undefined;
}

/** What a package's run logic gets for one stream (flow, division, entity). */
export interface StreamRunInput<Settings> {
  /** `flowId/division/entity`: names the stream's cursor and its lock. */
  readonly streamId: string;
  readonly division: number;
  readonly entity: string;
  readonly settings: Settings;
  /** Exact, already scoped to the division; background calls (the daily reserve is kept). */
  readonly exact: DivisionClient;
  /** The connection's Exact region (`nl`, `be`, `uk` …): where links into Exact's own pages point. */
  readonly region: Region;
  readonly destination: PostgresDestination;
  /** Re-read from the start and remove what Exact no longer has. */
  readonly resync: boolean;
  /** Moved by the run logic as each page commits. */
  readonly progress: StreamProgress;
  /** Reports a record that could not be moved; the stream goes on past it. */
  readonly reject: (failure: RecordFailure) => void;
  readonly signal?: AbortSignal;
}

/** What a retry of a stream's failed records gets: the stream, and the records as they were sent. */
export type RecordRetryInput<Settings> = Omit<StreamRunInput<Settings>, 'progress' | 'resync' | 'reject'> & {
  readonly payloads: readonly unknown[];
};

/**
 * A flow template ("package"): what it moves, its settings (a zod object whose every field
 * has a default and a `.describe()` help text, served as JSON Schema) and its run logic.
 */
export interface FlowPackage<Settings extends z.ZodObject = z.ZodObject> {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly entities: readonly PackageEntity[];
  readonly settings: Settings;
  /** String settings that are secrets: stored sealed, opened only for runs, never returned by the API. */
  readonly secretSettings?: readonly string[];
  /** The destination tables the flow's entities land in, for the Data page. */
  tables?(
    settings: z.output<Settings>,
    entities: readonly string[],
  ): { schema: string; table: string; entity: string }[];
  /** Moves one stream, committing as it goes; throws when it cannot go on (what committed stays). */
  runStream(input: StreamRunInput<z.output<Settings>>): Promise<void>;
  /**
   * Sends failed records again; returns the failures of those that still fail (matched by
   * `key`). Without it a retry only runs the stream again.
   */
  retryRecords?(input: RecordRetryInput<z.output<Settings>>): Promise<RecordFailure[]>;
}
