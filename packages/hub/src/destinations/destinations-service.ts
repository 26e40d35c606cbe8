import { HubError } from '../errors/hub-error.ts';
import type { Database } from '../storage/database.ts';
import type { DestinationRow, DestinationsRepository } from './destinations-repository.ts';
import { type DestinationTestResult, PostgresDestination } from './postgres-destination.ts';

/** Schemas of the hub itself: a flow writing into the hub's own database must keep out of them. */
const HUB_SCHEMAS = new Set(['public', 'drizzle', 'pgboss', 'information_schema']);

/** Destinations of a workspace, their Test action, and opening one for a flow run. */
export class DestinationsService {
  readonly repository: DestinationsRepository;
  readonly #database: Database;
  readonly #flowsUsing: (destinationId: string) => Promise<number>;

  constructor(deps: {
    repository: DestinationsRepository;
    database: Database;
    flowsUsing: (destinationId: string) => Promise<number>;
  }) {
    this.repository = deps.repository;
    this.#database = deps.database;
    this.#flowsUsing = deps.flowsUsing;
  }

  /** The hub's own database, as every workspace may use it (PGlite or DATABASE_URL's Postgres). */
  get hubLocation(): string {
    return this.#database.location;
  }

  async create(
    workspaceId: string,
    input: { name: string; connectionString: string },
  ): Promise<DestinationRow> {
    checkConnectionString(input.connectionString);
    return this.repository.create({ workspaceId, kind: 'postgres', ...input });
  }

  async update(
    row: DestinationRow,
    changes: { name?: string; connectionString?: string },
  ): Promise<DestinationRow> {
    if (changes.connectionString !== undefined) checkConnectionString(changes.connectionString);
    return (await this.repository.update(row.id, changes)) ?? row;
  }

  async delete(row: DestinationRow): Promise<void> {
    const using = await this.#flowsUsing(row.id);
    if (using > 0) {
      throw new HubError(
        'destination_in_use',
        `${using} flow(s) write into "${row.name}"; point them at another destination or delete them first.`,
      );
    }
    await this.repository.delete(row.id);
  }

  /** Connects, checks the server and the right to create the flow's schema; keeps the result. */
  async test(row: DestinationRow): Promise<DestinationTestResult> {
    const destination = this.#external(row);
    try {
      const result = await destination.test();
      await this.repository.update(row.id, { lastTest: result });
      return result;
    } finally {
      await destination.close();
    }
  }

  /** The destination a flow writes into (`null`: the hub's own database); the caller closes it. */
  async open(workspaceId: string, destinationId: string | null): Promise<PostgresDestination> {
    if (destinationId === null) return PostgresDestination.hubDatabase(this.#database);
    const row = await this.repository.findInWorkspace(workspaceId, destinationId);
    if (!row) throw new HubError('destination_not_found', `Destination ${destinationId} no longer exists.`);
    return this.#external(row);
  }

  /** Refuses a flow schema that would mix replica tables into the hub's own tables. */
  checkSchema(destinationId: string | null, schema: unknown): void {
    if (
      destinationId === null &&
      typeof schema === 'string' &&
      (HUB_SCHEMAS.has(schema) || schema.startsWith('pg_'))
    ) {
      throw new HubError(
        'invalid_settings',
        `Schema "${schema}" belongs to the hub's own database; choose another (the default is "exact").`,
      );
    }
  }

  #external(row: DestinationRow): PostgresDestination {
    return PostgresDestination.connect(this.repository.connectionStringOf(row));
  }
}

function checkConnectionString(value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new HubError(
      'invalid_connection_string',
      'connectionString must be a URL such as postgres://user:password@host:5432/database.',
    );
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new HubError(
      'invalid_connection_string',
      `connectionString must start with postgres:// or postgresql://, not ${url.protocol}//.`,
    );
  }
}
