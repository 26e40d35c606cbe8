/** An Exact access/refresh token pair with its lifetime. */
export interface TokenSet {
  accessToken: string;
  /** Single use: every refresh returns a new one that must replace it. */
  refreshToken: string;
  /** Epoch ms at which the access token expires (clock of the process that obtained it). */
  expiresAt: number;
  /** Epoch ms at which the pair was received. */
  obtainedAt: number;
}
