/**
 * The hub's input limits (its zod schemas), enforced in the inputs themselves so a user cannot
 * type past them. A test submits every form at its limits.
 */
export const LIMITS = {
  name: 200,
  tokenName: 100,
  email: 320,
  password: 256,
  clientId: 200,
  secret: 1000,
  baseUrl: 500,
  connectionString: 2000,
  tokenDays: 3650,
  schedule: 200,
  /** An authenticator code or a recovery code (`abcd-efgh-ijkl-mnop`), with room for spaces around it. */
  secondFactorCode: 24,
} as const;
