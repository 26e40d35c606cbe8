// Authorization codes and token chains. A chain starts with a code exchange; every
// refresh consumes the chain's current refresh token and issues the next pair. Rotated-out
// refresh tokens are remembered so that a reuse can be told apart from a token that never
// existed ("Old refresh token used." versus a broken chain).
import type { OAuthSettings } from '../config.ts';
import { opaqueToken } from '../random.ts';

export interface TokenChain {
  id: string;
  clientId: string;
  userId: string;
  /** Divisions granted on the consent page. */
  divisions: number[];
  /** Issue time of the newest access token; a refresh before `refreshMinAgeMs` after it is refused. */
  latestAccessIssuedAt: number;
  accessTokens: string[];
}

interface CodeRecord {
  clientId: string;
  redirectUri: string;
  userId: string;
  divisions: number[];
  expiresAt: number;
  used: boolean;
}

interface AccessRecord {
  chainId: string;
  expiresAt: number;
  revoked: boolean;
}

interface RefreshRecord {
  chainId: string;
  expiresAt: number;
  state: 'current' | 'used' | 'revoked';
  /** The refresh token issued when this one was used. */
  successor?: string;
}

export interface TokenPair {
  accessToken: string;
  refreshToken: string;
  /** Lifetime of the access token in seconds. */
  expiresIn: number;
  chain: TokenChain;
}

export type TokenFailure =
  | { kind: 'code_unknown' }
  | { kind: 'code_used' }
  | { kind: 'code_expired' }
  | { kind: 'code_client_mismatch' }
  | { kind: 'code_redirect_mismatch' }
  | { kind: 'refresh_unknown' }
  | { kind: 'refresh_used' }
  | { kind: 'refresh_revoked' }
  | { kind: 'refresh_expired'; expiredAt: number }
  | { kind: 'refresh_client_mismatch' }
  | { kind: 'refresh_too_early'; allowedAt: number };

export type TokenResult = { ok: true; pair: TokenPair } | { ok: false; failure: TokenFailure };

export type AccessCheck =
  | { ok: true; chain: TokenChain }
  | { ok: false; reason: 'unknown' | 'expired' | 'revoked'; expiredAt?: number };

/** Codes and token chains as saved in a `--state` file (token values are the map keys). */
export interface TokenStoreState {
  chainCounter: number;
  codes: [string, CodeRecord][];
  chains: TokenChain[];
  access: [string, AccessRecord][];
  refresh: [string, RefreshRecord][];
}

export class TokenStore {
  readonly #settings: OAuthSettings;
  readonly #codes = new Map<string, CodeRecord>();
  readonly #chains = new Map<string, TokenChain>();
  readonly #access = new Map<string, AccessRecord>();
  readonly #refresh = new Map<string, RefreshRecord>();
  #chainCounter = 0;

  constructor(settings: OAuthSettings) {
    this.#settings = settings;
  }

  issueCode(
    input: { clientId: string; redirectUri: string; userId: string; divisions: number[] },
    now: number,
  ): string {
    const code = opaqueToken('stampNL001.', 36);
    this.#codes.set(code, { ...input, expiresAt: now + this.#settings.codeLifetimeMs, used: false });
    return code;
  }

  /** The user a code or refresh token belongs to, for per-user accounting before the grant is judged. */
  userOfCode(code: string): string | undefined {
    return this.#codes.get(code)?.userId;
  }

  userOfRefreshToken(token: string): string | undefined {
    const record = this.#refresh.get(token);
    return record ? this.#chains.get(record.chainId)?.userId : undefined;
  }

  redeemCode(code: string, clientId: string, redirectUri: string | undefined, now: number): TokenResult {
    const record = this.#codes.get(code);
    if (!record) return { ok: false, failure: { kind: 'code_unknown' } };
    if (record.used) return { ok: false, failure: { kind: 'code_used' } };
    if (record.clientId !== clientId) return { ok: false, failure: { kind: 'code_client_mismatch' } };
    if (now >= record.expiresAt) return { ok: false, failure: { kind: 'code_expired' } };
    if (redirectUri !== undefined && redirectUri !== record.redirectUri) {
      return { ok: false, failure: { kind: 'code_redirect_mismatch' } };
    }
    record.used = true;
    this.#chainCounter += 1;
    const chain: TokenChain = {
      id: `chain-${this.#chainCounter}`,
      clientId,
      userId: record.userId,
      divisions: record.divisions,
      latestAccessIssuedAt: now,
      accessTokens: [],
    };
    this.#chains.set(chain.id, chain);
    return { ok: true, pair: this.#issuePair(chain, now) };
  }

  /** Judges a refresh; only a successful one consumes the token (a refused refresh leaves it usable). */
  refresh(token: string, clientId: string, now: number): TokenResult {
    const record = this.#refresh.get(token);
    if (!record) return { ok: false, failure: { kind: 'refresh_unknown' } };
    const chain = this.#chains.get(record.chainId)!;
    // With the grace setting, a used token still works while its successor has never been used
    // (the successor is then the one retired).
    let retired = record;
    if (record.state === 'used') {
      const successor = record.successor === undefined ? undefined : this.#refresh.get(record.successor);
      if (!this.#settings.previousRefreshTokenGrace || successor?.state !== 'current') {
        return { ok: false, failure: { kind: 'refresh_used' } };
      }
      retired = successor;
    }
    if (record.state === 'revoked') return { ok: false, failure: { kind: 'refresh_revoked' } };
    if (chain.clientId !== clientId) return { ok: false, failure: { kind: 'refresh_client_mismatch' } };
    if (now >= record.expiresAt)
      return { ok: false, failure: { kind: 'refresh_expired', expiredAt: record.expiresAt } };
    const allowedAt = chain.latestAccessIssuedAt + this.#settings.refreshMinAgeMs;
    if (now < allowedAt) return { ok: false, failure: { kind: 'refresh_too_early', allowedAt } };
    retired.state = 'used';
    if (this.#settings.refreshRevokesAccessToken) {
      for (const accessToken of chain.accessTokens) {
        const access = this.#access.get(accessToken);
        if (access) access.revoked = true;
      }
      chain.accessTokens = [];
    }
    const pair = this.#issuePair(chain, now);
    record.successor = pair.refreshToken;
    return { ok: true, pair };
  }

  checkAccess(token: string, now: number): AccessCheck {
    const record = this.#access.get(token);
    if (!record) return { ok: false, reason: 'unknown' };
    if (record.revoked) return { ok: false, reason: 'revoked' };
    if (now >= record.expiresAt) return { ok: false, reason: 'expired', expiredAt: record.expiresAt };
    return { ok: true, chain: this.#chains.get(record.chainId)! };
  }

  /** Fault injection: every refresh token still usable becomes invalid (the chains break). */
  revokeRefreshTokens(): number {
    let revoked = 0;
    for (const record of this.#refresh.values()) {
      if (record.state === 'current') {
        record.state = 'revoked';
        revoked += 1;
      }
    }
    return revoked;
  }

  counts(now: number): { chains: number; activeAccessTokens: number } {
    let activeAccessTokens = 0;
    for (const access of this.#access.values())
      if (!access.revoked && now < access.expiresAt) activeAccessTokens += 1;
    return { chains: this.#chains.size, activeAccessTokens };
  }

  exportState(): TokenStoreState {
    return {
      chainCounter: this.#chainCounter,
      codes: [...this.#codes.entries()],
      chains: [...this.#chains.values()],
      access: [...this.#access.entries()],
      refresh: [...this.#refresh.entries()],
    };
  }

  importState(state: TokenStoreState): void {
    this.clear();
    this.#chainCounter = state.chainCounter;
    for (const [code, record] of state.codes) this.#codes.set(code, record);
    for (const chain of state.chains) this.#chains.set(chain.id, chain);
    for (const [token, record] of state.access) this.#access.set(token, record);
    for (const [token, record] of state.refresh) this.#refresh.set(token, record);
  }

  clear(): void {
    this.#codes.clear();
    this.#chains.clear();
    this.#access.clear();
    this.#refresh.clear();
  }

  #issuePair(chain: TokenChain, now: number): TokenPair {
    const accessToken = opaqueToken('gAAAA', 96);
    const refreshToken = opaqueToken('yIA2!IAAA', 48);
    this.#access.set(accessToken, {
      chainId: chain.id,
      expiresAt: now + this.#settings.accessTokenLifetimeMs,
      revoked: false,
    });
    this.#refresh.set(refreshToken, {
      chainId: chain.id,
      expiresAt: now + this.#settings.refreshTokenLifetimeMs,
      state: 'current',
    });
    chain.latestAccessIssuedAt = now;
    chain.accessTokens.push(accessToken);
    return {
      accessToken,
      refreshToken,
      expiresIn: Math.round(this.#settings.accessTokenLifetimeMs / 1000),
      chain,
    };
  }
}
