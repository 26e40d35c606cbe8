import { ExactTokenError, MemoryTokenStore, type TokenSet } from '@koppel/exact';
import type { ErrorCode } from '../errors/error-catalogue.ts';
import { HubError } from '../errors/hub-error.ts';
import { roleAtLeast } from '../http/access.ts';
import { hashOpaqueToken, newOpaqueToken, TOKEN_PREFIX } from '../secrets/opaque-tokens.ts';
import type { ConnectionsDeps } from './connections-deps.ts';
import type { ConnectionRow, ExactDivision } from './connections-repository.ts';
import { divisionRoute, isOutsideDivisionScope, readExactDivisions } from './divisions.ts';
import { INTERACTIVE_CALLS } from './exact-access.ts';
import { describeExactFailure } from './exact-failure.ts';
import type { OAuthStateRow } from './oauth-states-repository.ts';
import { REAUTH_ALERT_KIND } from './token-failure.ts';

/** How long a user may take on Exact's login and consent screens (two-factor included). */
export const OAUTH_STATE_TTL_MS = 15 * 60 * 1000;

/**
 * An authorization that did not complete. The callback shows `title`, the message (what
 * happened) and `action` (what to do) as an HTML page, or as JSON for API clients.
 */
export class AuthorizationFailure extends HubError {
  readonly title: string;
  readonly action: string;

  /** Where the user started (wizard step or connection page), once the state told us. */
  returnTo: string | null = null;

  constructor(code: ErrorCode, title: string, message: string, action: string) {
    super(code, message, { details: { title, action } });
    this.title = title;
    this.action = action;
  }
}

export interface AuthorizationResult {
  connection: ConnectionRow;
  exactUser: { id: string | null; name: string | null };
  /** `null` when Exact refused every way of listing them (see `isOutsideDivisionScope`). */
  divisions: ExactDivision[] | null;
  /** The user's current division in Exact, which the fixes for unknown divisions refer to. */
  currentDivision: number | null;
  returnTo: string | null;
}

/** A relative path on the hub, so `returnTo` cannot send the user to another site. */
export function safeReturnTo(value: string | undefined): string | null {
  if (!value?.startsWith('/') || value.startsWith('//') || value.includes('\\')) return null;
  return value.slice(0, 500);
}

/** Creates a single-use state bound to the session and returns Exact's authorize URL. */
export async function startAuthorization(
  deps: ConnectionsDeps,
  input: { connection: ConnectionRow; sessionId: string; returnTo: string | null },
): Promise<string> {
  const access = deps.exact;
  const app = await access.apps.findById(input.connection.appId);
  if (!app)
    throw new HubError('app_not_found', 'The connection refers to an Exact app that no longer exists.');
  const { token, hash } = newOpaqueToken(TOKEN_PREFIX.oauthState);
  await deps.exact.oauthStates.create({
    stateHash: hash,
    sessionId: input.sessionId,
    workspaceId: input.connection.workspaceId,
    connectionId: input.connection.id,
    returnTo: input.returnTo,
    expiresAt: new Date(deps.clock.now().getTime() + OAUTH_STATE_TTL_MS),
  });
  return access.oauthClient(app).authorizeUrl({ state: token });
}

const START_AGAIN = 'Open the connection in Koppel and press Authorize again.';

const stateReused = () =>
  new AuthorizationFailure(
    'oauth_state_reused',
    'Authorization already used',
    'This authorization link was already used once (for example by reloading the page or pressing Back).',
    `Nothing was changed by this attempt. ${START_AGAIN}`,
  );

const stateInvalid = () =>
  new AuthorizationFailure(
    'oauth_state_invalid',
    'Authorization not recognised',
    'The state in the link was not issued by this hub (or it was cleaned up long ago). The link may be forged or from another Koppel installation.',
    START_AGAIN,
  );

/**
 * Handles Exact's redirect: validates the state (known, unused, unexpired, same session),
 * exchanges the code, reads `current/Me` and `system/Divisions`, then stores tokens, user
 * and divisions in one transaction. Throws AuthorizationFailure, storing nothing, otherwise.
 */
export async function completeAuthorization(
  deps: ConnectionsDeps,
  query: Record<string, string | undefined>,
  sessionToken: string | undefined,
): Promise<AuthorizationResult> {
  const now = deps.clock.now();
  if (!query.state) {
    throw new AuthorizationFailure(
      'oauth_state_missing',
      'Authorization link incomplete',
      'The request from Exact carries no state parameter, so the hub cannot tell which connection it belongs to.',
      START_AGAIN,
    );
  }
  // The session is checked before the state is spent: a leaked callback URL opened in another
  // browser must not cancel the authorization of the user who started it.
  const stateHash = hashOpaqueToken(query.state);
  const issued = await deps.exact.oauthStates.findByHash(stateHash);
  if (!issued) throw stateInvalid();
  if (issued.usedAt) throw stateReused();
  const session = sessionToken ? await deps.sessions.findLive(hashOpaqueToken(sessionToken), now) : undefined;
  if (!session || session.id !== issued.sessionId) {
    throw new AuthorizationFailure(
      'oauth_session_mismatch',
      'Different browser session',
      'The authorization was started in another browser session (or you signed out in between), so the hub refused it.',
      `Sign in to Koppel in this browser. ${START_AGAIN}`,
    );
  }
  const consumed = await deps.exact.oauthStates.consume(stateHash, now);
  if (!consumed.ok) throw consumed.problem === 'reused' ? stateReused() : stateInvalid();
  const state = consumed.state;
  try {
    return await completeWithState(deps, query, session.userId, state);
  } catch (error) {
    if (error instanceof AuthorizationFailure)
      error.returnTo = state.returnTo ?? `/connections/${state.connectionId}`;
    throw error;
  }
}

async function completeWithState(
  deps: ConnectionsDeps,
  query: Record<string, string | undefined>,
  userId: string,
  state: OAuthStateRow,
): Promise<AuthorizationResult> {
  const now = deps.clock.now();
  const access = deps.exact;
  if (state.expiresAt.getTime() <= now.getTime()) {
    throw new AuthorizationFailure(
      'oauth_state_expired',
      'Authorization expired',
      `The authorization was started more than ${OAUTH_STATE_TTL_MS / 60_000} minutes ago and has expired.`,
      START_AGAIN,
    );
  }
  const role = await deps.workspaces.roleOf(state.workspaceId, userId);
  if (!role || !roleAtLeast(role, 'admin')) {
    throw new AuthorizationFailure(
      'oauth_not_allowed',
      'Not allowed any more',
      'Your role in the workspace changed while you were on Exact: authorizing a connection needs the admin or owner role.',
      'Ask an owner of the workspace to authorize the connection.',
    );
  }
  if (query.error) {
    const denied = query.error === 'access_denied';
    const connection = await access.connections.findById(state.connectionId);
    if (connection) {
      await access.connections.recordEvent({
        workspaceId: connection.workspaceId,
        connectionId: connection.id,
        kind: denied ? 'authorization_denied' : 'authorization_failed',
        level: 'warning',
        message: denied ? 'Consent was denied on Exact' : `Exact reported ${query.error}`,
        details: { error: query.error, description: query.error_description ?? null },
      });
    }
    throw denied
      ? new AuthorizationFailure(
          'oauth_consent_denied',
          'Access denied',
          "Exact's consent screen was answered with Deny, so Koppel received no access and stored nothing.",
          `${START_AGAIN} Choose Allow and tick the administrations Koppel may use.`,
        )
      : new AuthorizationFailure(
          'oauth_exact_error',
          'Exact reported an error',
          `Exact ended the authorization with "${query.error}"${query.error_description ? `: ${query.error_description}` : ''}.`,
          START_AGAIN,
        );
  }
  if (!query.code) {
    throw new AuthorizationFailure(
      'oauth_code_missing',
      'No authorization code',
      'Exact sent the user back without an authorization code.',
      START_AGAIN,
    );
  }
  const connection = await access.connections.findById(state.connectionId);
  const app = connection ? await access.apps.findById(connection.appId) : undefined;
  if (!connection || !app) {
    throw new AuthorizationFailure(
      'connection_not_found',
      'Connection removed',
      'The connection this authorization was for has been deleted in the meantime.',
      'Create the connection again and authorize it.',
    );
  }

  let tokens: TokenSet;
  try {
    tokens = await access.oauthClient(app).exchangeCode(query.code);
  } catch (error) {
    throw exchangeFailure(error, access.redirectUri);
  }

  // Read the user and divisions with the new pair before storing anything.
  const memory = new MemoryTokenStore();
  await memory.save(connection.id, tokens);
  const client = access.client(app, connection.id, { ...INTERACTIVE_CALLS, tokenStore: memory });
  let exactUser: AuthorizationResult['exactUser'];
  let currentDivision: number | null;
  let divisions: ExactDivision[] | null;
  try {
    const me = await client.me();
    exactUser = { id: me.UserID, name: me.FullName ?? me.UserName };
    currentDivision = me.CurrentDivision;
    divisions = await readExactDivisions(
      client,
      await divisionRoute(deps, connection.id, me.CurrentDivision),
    ).catch((error: unknown) => {
      // Exact's quirk (exact-online-api.md §7): with the current division left unticked every
      // listing is refused, yet the tokens work for the ticked divisions. Keep them.
      if (isOutsideDivisionScope(error)) return null;
      throw error;
    });
  } catch (error) {
    const reason = error instanceof HubError ? error.message : describeExactFailure(error).message;
    throw new AuthorizationFailure(
      'oauth_exact_read_failed',
      'Could not read your Exact user',
      `The authorization itself worked, but reading current/Me and system/Divisions failed: ${reason}`,
      `Nothing was stored. Fix the cause, then ${START_AGAIN.charAt(0).toLowerCase()}${START_AGAIN.slice(1)}`,
    );
  }
  // A refresh during the reads rotates the pair; store the latest.
  const latest = (await memory.load(connection.id)) ?? tokens;

  const stored = await deps.db.transaction(async (tx) => {
    const locked = await access.connections.lockById(connection.id, tx);
    if (!locked) return undefined;
    await access.connections.saveTokens(connection.id, latest, null, tx);
    await access.connections.markAuthorized(
      connection.id,
      { exactUserId: exactUser.id, exactUserName: exactUser.name },
      locked.active,
      tx,
    );
    if (divisions) await access.connections.syncDivisions(connection.id, divisions, tx);
    await access.connections.resolveAlerts(connection.id, REAUTH_ALERT_KIND, tx);
    const by = `Authorized by Exact user ${exactUser.name ?? exactUser.id ?? 'unknown'}`;
    await access.connections.recordEvent(
      divisions
        ? {
            workspaceId: locked.workspaceId,
            connectionId: connection.id,
            kind: 'authorized',
            level: 'info',
            message: `${by}; ${divisions.length} division(s) available`,
            details: { exactUserId: exactUser.id, divisions: divisions.map((d) => d.code) },
          }
        : {
            workspaceId: locked.workspaceId,
            connectionId: connection.id,
            kind: 'authorized',
            level: 'warning',
            message: `${by}; Exact refused to list the granted divisions because the current division ${currentDivision ?? '(none)'} was not ticked`,
            details: { exactUserId: exactUser.id, divisions: null, currentDivision },
          },
      tx,
    );
    return access.connections.findById(connection.id, tx);
  });
  if (!stored) {
    throw new AuthorizationFailure(
      'connection_not_found',
      'Connection removed',
      'The connection was deleted while the authorization was being completed; nothing was stored.',
      'Create the connection again and authorize it.',
    );
  }
  deps.logger.info(
    { connectionId: connection.id, divisions: divisions?.length ?? 'unknown' },
    'connection authorized',
  );
  return { connection: stored, exactUser, divisions, currentDivision, returnTo: state.returnTo };
}

function exchangeFailure(error: unknown, redirectUri: string): AuthorizationFailure {
  if (!(error instanceof ExactTokenError)) {
    return new AuthorizationFailure(
      'oauth_exact_unavailable',
      'Exact could not be reached',
      // The remote answer is never repeated: it is not ours to show (and may not be Exact's).
      `Exchanging the authorization code failed (${(error as { code?: string }).code ?? 'no answer'}).`,
      "Check the app's region or base URL, then authorize again.",
    );
  }
  const description = String(error.context.description ?? '');
  // Exact's answer names the redirect URI whichever error code it uses for it.
  if (/redirect_uri/i.test(description)) {
    return new AuthorizationFailure(
      'oauth_redirect_mismatch',
      'Redirect URI mismatch',
      `Exact issued the code for a different redirect URI than the hub's ${redirectUri}.`,
      `Register exactly ${redirectUri} in Exact's App Center (or set KOPPEL_PUBLIC_URL to the address registered there), then authorize again.`,
    );
  }
  switch (error.code) {
    case 'invalid_client':
      return new AuthorizationFailure(
        'oauth_client_rejected',
        'Exact rejected the app credentials',
        "Exact refused the app's client ID or client secret when exchanging the code.",
        `Copy the client secret from Exact's App Center into the app in Koppel (and check the client ID and region), then authorize again. The redirect URI registered there must be exactly ${redirectUri}.`,
      );
    case 'authorization_code_invalid':
    case 'token_chain_broken':
      return new AuthorizationFailure(
        'oauth_code_rejected',
        'Authorization code rejected',
        `Exact rejected the authorization code (it lives only minutes and works once): ${error.code}.`,
        START_AGAIN,
      );
    default:
      return new AuthorizationFailure(
        'oauth_exact_unavailable',
        'Exact did not complete the authorization',
        `Exact's token endpoint refused or failed the exchange (${error.code}).`,
        `Wait a minute. ${START_AGAIN}`,
      );
  }
}
