import { ExactApiError, type ExactClient } from '@koppel/exact';
import { HubError } from '../errors/hub-error.ts';
import type { ConnectionsDeps } from './connections-deps.ts';
import type { ConnectionDivisionRow, ConnectionRow, ExactDivision } from './connections-repository.ts';
import { INTERACTIVE_CALLS } from './exact-access.ts';

/**
 * Reads `system/Divisions`. The URL needs some division: the user's current one first (the
 * only one known before the list is read), then divisions already known for the connection or
 * named by the user, because Exact refuses the call (403) when the URL's division is outside
 * the consent scope (exact-online-api.md §7). `system/AllDivisions` and `hrm/Divisions` have
 * the same constraint, so they are no way round it. A division refused as out of scope is left
 * out of the list even when Exact names it. None of them is linked by this.
 */
export async function readExactDivisions(
  client: ExactClient,
  via: (number | null)[],
): Promise<ExactDivision[]> {
  const candidates = [...new Set(via.filter((code): code is number => code !== null))];
  if (candidates.length === 0) {
    throw new HubError('exact_no_division');
  }
  const refused = new Set<number>();
  for (const [index, code] of candidates.entries()) {
    try {
      const rows = await client.divisions({ via: code });
      return rows
        .filter((row) => row.Code !== null && !refused.has(row.Code))
        .map((row) => ({
          code: row.Code!,
          description: row.Description,
          country: row.Country?.trim() || null,
        }));
    } catch (error) {
      const last = index === candidates.length - 1;
      if (last || !(error instanceof ExactApiError && error.status === 403)) throw error;
      if (isOutsideDivisionScope(error)) refused.add(code);
    }
  }
  throw new Error('unreachable: the loop returns or throws');
}

/** Exact's 403 for a division the consent screen left unticked. */
export function isOutsideDivisionScope(error: unknown): boolean {
  return (
    error instanceof ExactApiError &&
    error.status === 403 &&
    (error.reason === 'DivisionNotInScope' || /division scope/i.test(error.exactMessage))
  );
}

/** Divisions to read `system/Divisions` through: the current one, then the stored in-scope ones. */
export async function divisionRoute(
  deps: ConnectionsDeps,
  connectionId: string,
  currentDivision: number | null,
  named: number[] = [],
): Promise<(number | null)[]> {
  const stored = await deps.exact.connections.listDivisions(connectionId);
  return [currentDivision, ...named, ...stored.filter((d) => d.inScope).map((d) => d.code)];
}

/**
 * Re-reads the divisions Exact grants and updates names, countries and `in_scope`. `via` is a
 * division the user knows they ticked, for when Exact refuses the list through the current one.
 */
export async function refreshDivisions(
  deps: ConnectionsDeps,
  connection: ConnectionRow,
  via?: number,
): Promise<ConnectionDivisionRow[]> {
  const access = deps.exact;
  const app = await access.apps.findById(connection.appId);
  if (!app)
    throw new HubError('app_not_found', 'The connection refers to an Exact app that no longer exists.');
  const client = access.client(app, connection.id, INTERACTIVE_CALLS);
  const seen = await readExactDivisions(
    client,
    await divisionRoute(deps, connection.id, (await client.me()).CurrentDivision, via ? [via] : []),
  );
  await access.connections.syncDivisions(connection.id, seen);
  return access.connections.listDivisions(connection.id);
}

/**
 * Links exactly `codes`. Every code must be one Exact listed for the connection and still in
 * scope; nothing is linked by default (never the user's current division).
 */
export async function linkDivisions(
  deps: ConnectionsDeps,
  connection: ConnectionRow,
  codes: number[],
): Promise<ConnectionDivisionRow[]> {
  const access = deps.exact;
  const unique = [...new Set(codes)];
  return deps.db.transaction(async (tx) => {
    await access.connections.lockById(connection.id, tx);
    const known = new Map(
      (await access.connections.listDivisions(connection.id, tx)).map((d) => [d.code, d]),
    );
    const unknown = unique.filter((code) => !known.has(code));
    if (unknown.length > 0) {
      throw new HubError(
        'division_unknown',
        `Exact did not list division ${unknown.join(', ')} for this connection. Choose from ${[...known.keys()].join(', ') || '(none: authorize the connection first)'}, or refresh the list.`,
        { details: { unknown } },
      );
    }
    const outOfScope = unique.filter((code) => known.get(code)?.inScope === false);
    if (outOfScope.length > 0) {
      throw new HubError(
        'division_out_of_scope',
        `Division ${outOfScope.join(', ')} is no longer in the connection's scope. Authorize again and tick it on Exact's consent screen.`,
        { details: { outOfScope } },
      );
    }
    await access.connections.setLinkedDivisions(connection.id, unique, tx);
    return access.connections.listDivisions(connection.id, tx);
  });
}
