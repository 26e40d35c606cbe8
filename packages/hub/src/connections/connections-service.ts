import { ExactError } from '@koppel/exact';
import { HubError } from '../errors/hub-error.ts';
import type { ConnectionStatus } from '../storage/schema.ts';
import { type ConnectionTestResult, testConnection } from './connection-test.ts';
import type { ConnectionsDeps } from './connections-deps.ts';
import type { ConnectionDivisionRow, ConnectionRow, EventRow } from './connections-repository.ts';
import { linkDivisions, refreshDivisions } from './divisions.ts';
import { describeExactFailure } from './exact-failure.ts';

/** Connections of a workspace: their life cycle, divisions and test. */
export class ConnectionsService {
  readonly #deps: ConnectionsDeps;

  constructor(deps: ConnectionsDeps) {
    this.#deps = deps;
  }

  list(workspaceId: string): Promise<ConnectionRow[]> {
    return this.#deps.exact.connections.list(workspaceId);
  }

  /** A connection on one of the workspace's own apps; authorized next through OAuth. */
  async create(
    workspaceId: string,
    input: { appId: string; name: string; active: boolean },
  ): Promise<ConnectionRow> {
    const app = await this.#deps.exact.apps.findInWorkspace(workspaceId, input.appId);
    if (!app)
      throw new HubError('app_not_found', 'appId must be an Exact app of this workspace (GET …/apps).');
    return this.#deps.exact.connections.create({
      workspaceId,
      appId: app.id,
      name: input.name,
      active: input.active,
    });
  }

  /** Renames, or switches the connection on or off (Active). */
  async update(
    connection: ConnectionRow,
    changes: { name?: string | undefined; active?: boolean | undefined },
  ) {
    const { name, active } = changes;
    const updated = await this.#deps.exact.connections.update(connection.id, {
      ...(name === undefined ? {} : { name }),
      ...(active === undefined ? {} : { active, status: statusAfterToggle(connection, active) }),
    });
    return updated ?? connection;
  }

  delete(connection: ConnectionRow): Promise<void> {
    return this.#deps.exact.connections.delete(connection.id);
  }

  listDivisions(connection: ConnectionRow): Promise<ConnectionDivisionRow[]> {
    return this.#deps.exact.connections.listDivisions(connection.id);
  }

  /** Re-reads the divisions Exact grants; a failing call to Exact is a 502 with its reason. */
  async refreshDivisions(connection: ConnectionRow, via?: number): Promise<ConnectionDivisionRow[]> {
    if (connection.status === 'needs_reauth') {
      // Its tokens were refused, or dropped when the app moved: no call goes out until then.
      throw new HubError(
        'connection_unavailable',
        'The connection must be authorized again before Koppel calls Exact with it: press Authorize.',
      );
    }
    if (!connection.refreshTokenEnc) {
      throw new HubError(
        'connection_not_authorized',
        'Authorize the connection before reading its divisions.',
      );
    }
    return refreshDivisions(this.#deps, connection, via).catch(exactCallFailed);
  }

  linkDivisions(connection: ConnectionRow, codes: number[]): Promise<ConnectionDivisionRow[]> {
    return linkDivisions(this.#deps, connection, codes);
  }

  test(connection: ConnectionRow): Promise<ConnectionTestResult> {
    return testConnection(this.#deps, connection);
  }

  events(connection: ConnectionRow, limit: number): Promise<EventRow[]> {
    return this.#deps.exact.connections.listEvents(connection.id, limit);
  }
}

/** What the Active toggle does to the status: problems stay visible, a paused connection shows `inactive`. */
function statusAfterToggle(connection: ConnectionRow, active: boolean): ConnectionStatus {
  if (connection.status === 'needs_reauth' || connection.status === 'not_authorized')
    return connection.status;
  if (!active) return 'inactive';
  if (connection.status !== 'inactive') return connection.status;
  return connection.refreshTokenEnc ? 'active' : 'not_authorized';
}

/** Turns an SDK error from a call made on the user's behalf into a 502 with the reason. */
function exactCallFailed(error: unknown): never {
  if (error instanceof ExactError) {
    const failure = describeExactFailure(error);
    throw new HubError('exact_call_failed', failure.message, { details: failure });
  }
  throw error;
}
