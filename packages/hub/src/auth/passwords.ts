import { type Algorithm, hash, verify } from '@node-rs/argon2';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import { adjacencyGraphs, dictionary } from '@zxcvbn-ts/language-common';
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

/** zxcvbn's scale: 3 is "safely unguessable", enough behind argon2 and the sign-in limits. */
const MIN_STRENGTH_SCORE = 3;
// The estimator's cost grows with length; a longer prefix adds nothing to the verdict.
const ESTIMATED_PREFIX = 100;
let estimator: ZxcvbnFactory | undefined;

/**
 * Refuses short passwords and passwords an attacker would guess early (repeats, common words
 * and patterns, the e-mail address or parts of it), estimated by zxcvbn.
 */
export function assertPasswordStrength(password: string, email: string): void {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw new HubError(
      'weak_password',
      `The password must be at least ${MIN_PASSWORD_LENGTH} characters long.`,
    );
  }
  estimator ??= new ZxcvbnFactory({ dictionary, graphs: adjacencyGraphs });
  const userInputs = [email, ...email.split(/[@.+_-]/).filter((part) => part.length > 2)];
  const { score, feedback } = estimator.check(password.slice(0, ESTIMATED_PREFIX), userInputs);
  if (score < MIN_STRENGTH_SCORE) {
    throw new HubError(
      'weak_password',
      'This password is too easy to guess (it has repeated or common words, patterns or parts of your e-mail address). Use a longer passphrase of several unrelated words.',
      { details: { score, minimumScore: MIN_STRENGTH_SCORE, reason: feedback.warning ?? 'guessable' } },
    );
  }
}
