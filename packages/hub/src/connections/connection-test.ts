import { accounts } from '@koppel/exact';
import { HubError } from '../errors/hub-error.ts';
import type { ConnectionsDeps } from './connections-deps.ts';
import type { ConnectionRow } from './connections-repository.ts';
import { divisionRoute, readExactDivisions } from './divisions.ts';
import { INTERACTIVE_CALLS } from './exact-access.ts';
import { describeExactFailure, type ExactFailure } from './exact-failure.ts';
import { markNeedsReauthorization } from './token-failure.ts';

export interface DivisionCheck {
  code: number;
  description: string | null;
  ok: boolean;
  /** Set when the check failed: category, SDK code, Exact's Reason header and advice. */
  failure: ExactFailure | null;
}

export interface ConnectionTestResult {
  ok: boolean;
  testedAt: string;
  /** `current/Me`: proves the tokens work. */
  user: { ok: boolean; name: string | null; failure: ExactFailure | null };
  /** Re-reading `system/Divisions` to notice divisions removed from the consent scope. */
  scope: { ok: boolean; failure: ExactFailure | null };
  divisions: DivisionCheck[];
  summary: string;
}

/**
 * Tests a connection: `current/Me`, `system/Divisions` (updating `in_scope`), and one cheap read
 * (`crm/Accounts?$select=ID&$top=1`) per linked division. Each failure is reported with its
 * reason; the result is stored as the connection's last test and moves its status.
 */
export async function testConnection(
  deps: ConnectionsDeps,
  connection: ConnectionRow,
): Promise<ConnectionTestResult> {
  const access = deps.exact;
  if (!connection.refreshTokenEnc && connection.status !== 'needs_reauth') {
    throw new HubError(
      'connection_not_authorized',
      'The connection has not been authorized yet; press Authorize first.',
    );
  }
  const app = await access.apps.findById(connection.appId);
  if (!app)
    throw new HubError('app_not_found', 'The connection refers to an Exact app that no longer exists.');
  // Interactive: report a spent budget instead of waiting for it.
  const client = access.client(app, connection.id, INTERACTIVE_CALLS);

  const user: ConnectionTestResult['user'] = { ok: false, name: null, failure: null };
  const scope: ConnectionTestResult['scope'] = { ok: false, failure: null };
  let currentDivision: number | null = null;
  if (connection.status === 'needs_reauth') {
    // Its tokens were refused or belong to another app setting: no call (and no token) goes out.
    user.failure = NEEDS_REAUTHORIZATION;
  } else {
    try {
      const me = await client.me();
      user.ok = true;
      user.name = me.FullName ?? me.UserName;
      currentDivision = me.CurrentDivision;
    } catch (error) {
      user.failure = describeExactFailure(error);
    }
  }
  if (user.ok) {
    try {
      const via = await divisionRoute(deps, connection.id, currentDivision);
      await access.connections.syncDivisions(connection.id, await readExactDivisions(client, via));
      scope.ok = true;
    } catch (error) {
      scope.failure = error instanceof HubError ? exactErrorOf(error) : describeExactFailure(error);
    }
  }

  const linked = (await access.connections.listDivisions(connection.id)).filter((d) => d.linked);
  const divisions: DivisionCheck[] = [];
  for (const division of linked) {
    const check: DivisionCheck = {
      code: division.code,
      description: division.description,
      ok: false,
      failure: null,
    };
    if (!user.ok) {
      check.failure = user.failure;
    } else if (!division.inScope) {
      check.failure = {
        category: 'scope',
        code: 'division_out_of_scope',
        reason: null,
        message: `Exact no longer lists division ${division.code} for this connection. Authorize again and tick it on the consent screen, or unlink it.`,
      };
    } else {
      try {
        await client.division(division.code).query(accounts).select('ID').first();
        check.ok = true;
      } catch (error) {
        check.failure = describeExactFailure(error);
      }
    }
    divisions.push(check);
  }

  const failed = divisions.filter((d) => !d.ok);
  const ok = user.ok && scope.ok && linked.length > 0 && failed.length === 0;
  const summary = !user.ok
    ? `Exact refused the connection: ${user.failure?.message}`
    : linked.length === 0
      ? 'The tokens work, but no division is linked yet: link at least one division.'
      : failed.length > 0
        ? `${failed.length} of ${linked.length} linked division(s) failed: ${failed.map((d) => `${d.code} (${d.failure?.category})`).join(', ')}.`
        : scope.ok
          ? `All ${linked.length} linked division(s) answer.`
          : `Linked divisions answer, but the division list could not be refreshed: ${scope.failure?.message}`;
  const result: ConnectionTestResult = {
    ok,
    testedAt: deps.clock.now().toISOString(),
    user,
    scope,
    divisions,
    summary,
  };

  const tokenFailure = user.failure?.category === 'token' ? user.failure : undefined;
  if (tokenFailure) {
    await markNeedsReauthorization(access.connections, deps.logger, connection.id, tokenFailure);
  }
  const current = await access.connections.findById(connection.id);
  const status = tokenFailure ? 'needs_reauth' : !user.ok ? 'error' : current?.active ? 'active' : 'inactive';
  await access.connections.update(connection.id, { lastTest: result, status });
  await access.connections.recordEvent({
    workspaceId: connection.workspaceId,
    connectionId: connection.id,
    kind: 'connection_tested',
    level: ok ? 'info' : 'warning',
    message: summary,
  });
  return result;
}

const NEEDS_REAUTHORIZATION: ExactFailure = {
  category: 'token',
  code: 'needs_reauth',
  reason: null,
  message: 'The connection must be authorized again before Koppel calls Exact with it: press Authorize.',
};

function exactErrorOf(error: HubError): ExactFailure {
  return { category: 'exact_error', code: error.code, reason: null, message: error.message };
}
