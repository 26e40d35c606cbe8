import type { Clock } from '../clock.ts';
import { HubError } from '../errors/hub-error.ts';
import { newOpaqueToken, TOKEN_PREFIX } from '../secrets/opaque-tokens.ts';
import { secretContext } from '../secrets/rotate-secrets.ts';
import type { SecretBox } from '../secrets/secret-box.ts';
import type { ApiTokenRow, ApiTokensRepository } from './api-tokens-repository.ts';
import { type AuthService, type Client, secondFactorRefusal } from './auth-service.ts';
import { assertPasswordStrength, hashPassword, verifyPassword } from './passwords.ts';
import { generateRecoveryCode, hashRecoveryCode, RECOVERY_CODE_COUNT } from './recovery-codes.ts';
import type { RecoveryCodesRepository } from './recovery-codes-repository.ts';
import type { SessionRow, SessionsRepository } from './sessions-repository.ts';
import { generateTotpSecret, otpauthUri, verifyTotp } from './totp.ts';
import type { UserRow, UsersRepository } from './users-repository.ts';

export interface AccountServiceDeps {
  clock: Clock;
  secrets: SecretBox;
  users: UsersRepository;
  sessions: SessionsRepository;
  recoveryCodes: RecoveryCodesRepository;
  apiTokens: ApiTokensRepository;
  auth: AuthService;
}

const pendingSecretContext = (userId: string) => secretContext('users', 'totp_pending_secret_enc', userId);
const totpSecretContext = (userId: string) => secretContext('users', 'totp_secret_enc', userId);

/** What signed-in users change about themselves: name, password, two-factor, sessions and API tokens. */
export class AccountService {
  readonly #deps: AccountServiceDeps;

  constructor(deps: AccountServiceDeps) {
    this.#deps = deps;
  }

  async rename(user: UserRow, name: string): Promise<UserRow> {
    await this.#deps.users.update(user.id, { name });
    return (await this.#deps.users.findById(user.id))!;
  }

  /** Changes the password after checking the current one; signs out every other session. */
  async changePassword(
    user: UserRow,
    currentSessionId: string | undefined,
    input: { currentPassword: string; newPassword: string },
    client: Client,
  ): Promise<void> {
    const { throttle } = this.#deps.auth;
    const now = this.#deps.clock.now();
    const attempt = await throttle.reserve(user.email, client.ip, now);
    if (!(await verifyPassword(user.passwordHash, input.currentPassword))) {
      throw new HubError('unauthenticated', 'The current password is wrong.');
    }
    await attempt.succeeded();
    assertPasswordStrength(input.newPassword, user.email);
    await this.#deps.users.update(user.id, { passwordHash: await hashPassword(input.newPassword) });
    await this.#deps.sessions.deleteForUser(user.id, { except: currentSessionId });
  }

  /** A new pending TOTP secret, shown once; confirmed with a code before it counts. */
  async startTotpEnrolment(user: UserRow): Promise<{ secret: string; otpauthUri: string }> {
    if (user.totpEnabledAt) {
      throw new HubError(
        'totp_already_enabled',
        'Two-factor sign-in is already on; disable it first to enrol again.',
      );
    }
    const secret = generateTotpSecret();
    await this.#deps.users.update(user.id, {
      totpPendingSecretEnc: this.#deps.secrets.seal(secret, pendingSecretContext(user.id)),
    });
    return { secret, otpauthUri: otpauthUri(secret, user.email) };
  }

  /** Turns two-factor sign-in on; the first recovery codes are returned only here. */
  async confirmTotp(user: UserRow, code: string): Promise<{ user: UserRow; recoveryCodes: string[] }> {
    const { secrets, clock, users } = this.#deps;
    if (!user.totpPendingSecretEnc) {
      throw new HubError('totp_not_enrolling', 'Start enrolment with POST /api/v1/me/totp first.');
    }
    const secret = secrets.open(user.totpPendingSecretEnc, pendingSecretContext(user.id));
    const step = verifyTotp(secret, code, clock.now(), null);
    if (step === undefined) {
      throw new HubError(
        'totp_code_invalid',
        'The code does not match; check the phone clock and try the next code.',
      );
    }
    await users.update(user.id, {
      totpSecretEnc: secrets.seal(secret, totpSecretContext(user.id)),
      totpPendingSecretEnc: null,
      totpEnabledAt: clock.now(),
      totpLastStep: step,
    });
    const recoveryCodes = await this.#newRecoveryCodes(user.id);
    return { user: (await users.findById(user.id))!, recoveryCodes };
  }

  /**
   * A new set of recovery codes, returned only here; the old set stops working. Needs the
   * password, so a stolen session alone cannot read a fresh set.
   */
  async regenerateRecoveryCodes(user: UserRow, password: string): Promise<string[]> {
    if (!user.totpEnabledAt) throw new HubError('totp_not_enabled', 'Two-factor sign-in is not on.');
    if (!(await verifyPassword(user.passwordHash, password))) {
      throw new HubError('unauthenticated', 'The password is wrong.');
    }
    return this.#newRecoveryCodes(user.id);
  }

  /** How many recovery codes are left unused (0 while two-factor sign-in is off). */
  recoveryCodesLeft(user: UserRow): Promise<number> {
    return this.#deps.recoveryCodes.countUnused(user.id);
  }

  async #newRecoveryCodes(userId: string): Promise<string[]> {
    const codes = Array.from({ length: RECOVERY_CODE_COUNT }, generateRecoveryCode);
    await this.#deps.recoveryCodes.replace(userId, codes.map(hashRecoveryCode));
    return codes;
  }

  /** Needs the password and a current code, so a stolen session alone cannot switch it off. */
  async disableTotp(user: UserRow, input: { password: string; code: string }): Promise<UserRow> {
    if (!user.totpEnabledAt) throw new HubError('totp_not_enabled', 'Two-factor sign-in is not on.');
    if (!(await verifyPassword(user.passwordHash, input.password))) {
      throw new HubError('unauthenticated', 'The password is wrong.');
    }
    if (!(await this.#deps.auth.acceptSecondFactor(user, input.code))) {
      throw new HubError('unauthenticated', secondFactorRefusal(input.code));
    }
    await this.#deps.users.update(user.id, {
      totpSecretEnc: null,
      totpPendingSecretEnc: null,
      totpEnabledAt: null,
      totpLastStep: null,
    });
    await this.#deps.recoveryCodes.deleteForUser(user.id);
    return (await this.#deps.users.findById(user.id))!;
  }

  listSessions(userId: string): Promise<SessionRow[]> {
    return this.#deps.sessions.listActiveForUser(userId, this.#deps.clock.now());
  }

  async endSession(userId: string, sessionId: string): Promise<void> {
    if (!(await this.#deps.sessions.deleteForUserById(userId, sessionId))) {
      throw new HubError('session_not_found', 'You have no session with this id.');
    }
  }

  listTokens(userId: string): Promise<ApiTokenRow[]> {
    return this.#deps.apiTokens.listForUser(userId);
  }

  /** A new API token; the token itself is returned only here. */
  async createToken(
    userId: string,
    input: { name: string; expiresInDays?: number | undefined },
  ): Promise<{ row: ApiTokenRow; token: string }> {
    const { token, hash } = newOpaqueToken(TOKEN_PREFIX.apiToken);
    const expiresAt = input.expiresInDays
      ? new Date(this.#deps.clock.now().getTime() + input.expiresInDays * 86_400_000)
      : null;
    const row = await this.#deps.apiTokens.create({
      userId,
      name: input.name,
      tokenHash: hash,
      tokenPrefix: token.slice(0, 10),
      expiresAt,
    });
    return { row, token };
  }

  async deleteToken(userId: string, tokenId: string): Promise<void> {
    if (!(await this.#deps.apiTokens.delete(userId, tokenId))) {
      throw new HubError('token_not_found', 'You have no API token with this id.');
    }
  }
}
