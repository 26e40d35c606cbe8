import { randomBytes } from 'node:crypto';
import { hashOpaqueToken } from '../secrets/opaque-tokens.ts';
import { base32Encode } from './totp.ts';

/** Enough for a year of lost phones; a new set replaces the old one. */
export const RECOVERY_CODE_COUNT = 10;
/** 10 random bytes are 16 base32 characters, written in four groups: `abcd-efgh-ijkl-mnop`. */
const RECOVERY_CODE_BYTES = 10;
const GROUP = 4;

/** What a person may type for a recovery code: the 16 characters, with or without dashes or spaces. */
export const RECOVERY_CODE_PATTERN = /^\s*[a-zA-Z2-7]{4}(?:[\s-]?[a-zA-Z2-7]{4}){3}\s*$/;

export function generateRecoveryCode(): string {
  const text = base32Encode(randomBytes(RECOVERY_CODE_BYTES)).toLowerCase();
  return text.match(new RegExp(`.{${GROUP}}`, 'g'))!.join('-');
}

/** The digest stored for a code, the same however the code was typed (case, dashes, spaces). */
export function hashRecoveryCode(code: string): string {
  return hashOpaqueToken(code.replace(/[\s-]/g, '').toLowerCase());
}

export function looksLikeRecoveryCode(code: string): boolean {
  return RECOVERY_CODE_PATTERN.test(code);
}
