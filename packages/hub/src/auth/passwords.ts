import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { HubError } from '../errors/hub-error.ts';

// Algorithm is an ambient const enum, unusable under verbatimModuleSyntax; 2 is Argon2id.
const ARGON2ID = 2 as Algorithm;
// OWASP's argon2id baseline (19 MiB, 2 passes, 1 lane).
const OPTIONS = { algorithm: ARGON2ID, memoryCost: 19_456, timeCost: 2, parallelism: 1 };
export const MIN_PASSWORD_LENGTH = 10;
export const MAX_PASSWORD_LENGTH = 256;

export function hashPassword(password: string): Promise<string> {
  return hash(password, OPTIONS);
}

// Verified against when the account does not exist, so a miss costs as much time as a hit.
let dummyHash: Promise<string> | undefined;

/** Constant-work check: with no stored hash it still runs argon2 and returns false. */
export async function verifyPassword(storedHash: string | undefined, password: string): Promise<boolean> {
  if (!storedHash) {
    dummyHash ??= hash('koppel-no-such-account', OPTIONS);
    await verify(await dummyHash, password).catch(() => false);
    return false;
  }
  return verify(storedHash, password).catch(() => false);
}

export function assertPasswordStrength(password: string, email: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new HubError(
      'weak_password',
      `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`,
    );
  }
  if (password.toLowerCase() === email.toLowerCase()) {
    throw new HubError('weak_password', 'The password must not be the e-mail address.');
  }
}
