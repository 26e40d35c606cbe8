import { sql } from 'drizzle-orm';
import type { Clock } from '../clock.ts';
import { HubError } from '../errors/hub-error.ts';
import type { Principal } from '../http/access.ts';
import { csrfTokenFor, newOpaqueToken, TOKEN_PREFIX } from '../secrets/opaque-tokens.ts';
import { secretContext } from '../secrets/rotate-secrets.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { Db } from '../storage/database.ts';
import type { Role, SessionState } from '../storage/schema.ts';
import type { InvitationsRepository } from '../workspaces/invitations-repository.ts';
import type { InvitationsService } from '../workspaces/invitations-service.ts';
import type { WorkspacesRepository } from '../workspaces/workspaces-repository.ts';
import { LoginThrottle } from './login-throttle.ts';
import { assertPasswordStrength, hashPassword, verifyPassword } from './passwords.ts';
import type { RateLimitRepository } from './rate-limit-repository.ts';
import { hashRecoveryCode, looksLikeRecoveryCode } from './recovery-codes.ts';
import type { RecoveryCodesRepository } from './recovery-codes-repository.ts';
import type { SessionsRepository } from './sessions-repository.ts';
import { verifyTotp } from './totp.ts';
import type { UserRow, UsersRepository } from './users-repository.ts';

/** Why a second factor was refused, in terms of the kind of code the user typed. */
export function secondFactorRefusal(code: string): string {
  return looksLikeRecoveryCode(code)
    ? 'The recovery code is wrong or was already used; each recovery code works once.'
    : 'The authenticator code is wrong or was already used; try the next one.';
}

/** A login waiting for its TOTP code lasts this long. */
export const PENDING_TOTP_TTL_MS = 5 * 60 * 1000;
const MAX_TOTP_ATTEMPTS_PER_LOGIN = 5;
/** Advisory lock that serialises sign-ups, so exactly one can become the first user. */
const FIRST_USER_LOCK = 4_206_202_602;

/** A session just created: the cookie value and its CSRF token, both for this response only. */
export interface NewSession {
  token: string;
  csrfToken: string;
  expiresAt: Date;
}

/** Where a request came from, stored with a session and used by the throttle. */
export interface Client {
  ip: string;
  userAgent: string | undefined;
}

export interface AuthServiceDeps {
  db: Db;
  clock: Clock;
  secrets: SecretBox;
  users: UsersRepository;
  sessions: SessionsRepository;
  recoveryCodes: RecoveryCodesRepository;
  rateLimits: RateLimitRepository;
  workspaces: WorkspacesRepository;
  invitations: InvitationsRepository;
  invitationLinks: InvitationsService;
  /** KOPPEL_SESSION_TTL_HOURS */
  sessionTtlHours: number;
}

export type LoginOutcome =
  | { status: 'signed_in'; user: UserRow; session: NewSession }
  | { status: 'totp_required'; session: NewSession };

/** Signing up, in and out: passwords, the second factor, sessions and accepting invitations. */
export class AuthService {
  readonly #deps: AuthServiceDeps;
  readonly throttle: LoginThrottle;

  constructor(deps: AuthServiceDeps) {
    this.#deps = deps;
    this.throttle = new LoginThrottle(deps.rateLimits);
  }

  /** The first user of the hub, owner of a first workspace; later users join through invitations. */
  async signUp(
    input: { email: string; name: string; password: string; workspaceName?: string | undefined },
    client: Client,
  ): Promise<{ user: UserRow; session: NewSession }> {
    const { db, users, workspaces } = this.#deps;
    assertPasswordStrength(input.password, input.email);
    const passwordHash = await hashPassword(input.password);
    const user = await db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(${FIRST_USER_LOCK})`);
      if ((await users.count(tx)) > 0) {
        throw new HubError(
          'signup_closed',
          'Sign-up is closed: this hub has users. Ask an admin for an invitation.',
        );
      }
      const created = await users.create({ email: input.email, name: input.name, passwordHash }, tx);
      await workspaces.create(input.workspaceName ?? `${input.name}'s workspace`, created.id, tx);
      return created;
    });
    return { user, session: await this.startSession(user.id, 'active', client) };
  }

  async login(input: { email: string; password: string }, client: Client): Promise<LoginOutcome> {
    const now = this.#deps.clock.now();
    const attempt = await this.throttle.reserve(input.email, client.ip, now);
    const user = await this.#deps.users.findByEmail(input.email);
    const valid = await verifyPassword(user?.passwordHash, input.password);
    if (!user || !valid) throw new HubError('unauthenticated', 'The e-mail address or password is wrong.');
    await attempt.succeeded();
    if (user.totpEnabledAt) {
      return { status: 'totp_required', session: await this.startSession(user.id, 'totp_pending', client) };
    }
    return { status: 'signed_in', user, session: await this.startSession(user.id, 'active', client) };
  }

  /**
   * The second sign-in step. The pending session is replaced, never upgraded in place: a new id
   * after each privilege change. Too many wrong codes end the pending session: the caller clears
   * its cookies and the user starts again with the password.
   */
  async completeSecondFactor(
    principal: Principal,
    code: string,
    client: Client,
  ): Promise<NewSession | 'session_ended'> {
    const { clock, sessions } = this.#deps;
    const now = clock.now();
    const sessionId = principal.sessionId!;
    const attempt = await this.throttle.reserve(principal.user.email, client.ip, now);
    if ((await sessions.countTotpAttempt(sessionId)) > MAX_TOTP_ATTEMPTS_PER_LOGIN) {
      await sessions.delete(sessionId);
      return 'session_ended';
    }
    if (!(await this.acceptSecondFactor(principal.user, code))) {
      throw new HubError('unauthenticated', secondFactorRefusal(code));
    }
    await attempt.succeeded();
    await sessions.delete(sessionId);
    return this.startSession(principal.user.id, 'active', client);
  }

  async endSession(sessionId: string | undefined): Promise<void> {
    if (sessionId) await this.#deps.sessions.delete(sessionId);
  }

  /**
   * Checks the second factor: an authenticator code, or one of the user's recovery codes. Either
   * is claimed in one conditional update (the TOTP step, or the code's used mark), so of several
   * parallel requests with the same code exactly one succeeds.
   */
  async acceptSecondFactor(user: UserRow, code: string): Promise<boolean> {
    if (!user.totpSecretEnc) return false;
    if (looksLikeRecoveryCode(code)) {
      return this.#deps.recoveryCodes.claim(user.id, hashRecoveryCode(code), this.#deps.clock.now());
    }
    const secret = this.#deps.secrets.open(
      user.totpSecretEnc,
      secretContext('users', 'totp_secret_enc', user.id),
    );
    const step = verifyTotp(secret, code, this.#deps.clock.now(), user.totpLastStep);
    if (step === undefined) return false;
    return this.#deps.users.claimTotpStep(user.id, step);
  }

  async startSession(userId: string, state: SessionState, client: Client): Promise<NewSession> {
    const { token, hash } = newOpaqueToken(TOKEN_PREFIX.session);
    const ttlMs = state === 'active' ? this.#deps.sessionTtlHours * 3600 * 1000 : PENDING_TOTP_TTL_MS;
    const expiresAt = new Date(this.#deps.clock.now().getTime() + ttlMs);
    await this.#deps.sessions.create({
      tokenHash: hash,
      userId,
      state,
      expiresAt,
      ip: client.ip,
      userAgent: client.userAgent,
    });
    return { token, csrfToken: csrfTokenFor(token), expiresAt };
  }

  /** What an invitation token is for, before the invitee decides. */
  async previewInvitation(token: string): Promise<{
    workspaceName: string;
    email: string;
    role: Role;
    expiresAt: Date;
  }> {
    const invitation = await this.#deps.invitationLinks.open(token);
    const workspace = await this.#deps.workspaces.findById(invitation.workspaceId);
    // Whether the e-mail has an account is not said: whoever invites could probe addresses with it.
    return {
      workspaceName: workspace?.name ?? '',
      email: invitation.email,
      role: invitation.role,
      expiresAt: invitation.expiresAt,
    };
  }

  /**
   * Accepts an invitation: an existing account proves itself (password, and the code when it has
   * two-factor sign-in); otherwise a new account is created from a name and a strong password.
   * Then joins the workspace and signs in. A refusal reads the same whether or not the account
   * exists, so the inviter cannot learn that from it.
   */
  async acceptInvitation(
    input: { token: string; name?: string | undefined; password: string; totpCode?: string | undefined },
    client: Client,
  ): Promise<{ user: UserRow; workspaceId: string; session: NewSession }> {
    const { db, clock, users, invitations, workspaces } = this.#deps;
    const now = clock.now();
    const invitation = await this.#deps.invitationLinks.open(input.token);
    const attempt = await this.throttle.reserve(invitation.email, client.ip, now);
    if (input.name) assertPasswordStrength(input.password, invitation.email);
    const existing = await users.findByEmail(invitation.email);
    const refused = () =>
      new HubError(
        'unauthenticated',
        'Send the password of your existing account (and a current authenticator code if it has two-factor sign-in), or your name and a new password to create an account.',
      );
    if (existing) {
      const passwordOk = await verifyPassword(existing.passwordHash, input.password);
      const codeOk =
        passwordOk &&
        (!existing.totpEnabledAt ||
          (input.totpCode && (await this.acceptSecondFactor(existing, input.totpCode))));
      if (!passwordOk || !codeOk) throw refused();
    } else if (!input.name) {
      // Costs the same argon2 work as checking an existing account's password.
      await verifyPassword(undefined, input.password);
      throw refused();
    }
    const name = input.name;
    const passwordHash = existing ? undefined : await hashPassword(input.password);
    const user = await db.transaction(async (tx) => {
      const account =
        existing ??
        (await users.create({ email: invitation.email, name: name!, passwordHash: passwordHash! }, tx));
      if (!(await invitations.consume(invitation.id, account.id, now, tx))) {
        throw new HubError('invitation_invalid', 'This invitation was used or revoked a moment ago.');
      }
      if (await workspaces.roleOf(invitation.workspaceId, account.id, tx)) {
        throw new HubError('already_member', 'You are already a member of this workspace.');
      }
      await workspaces.addMember(invitation.workspaceId, account.id, invitation.role, tx);
      return account;
    });
    await attempt.succeeded();
    return {
      user,
      workspaceId: invitation.workspaceId,
      session: await this.startSession(user.id, 'active', client),
    };
  }
}
