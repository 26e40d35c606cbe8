import { ExactInputError } from '../errors.ts';

/** Exact stores account codes as 18 characters, right-aligned with leading spaces. */
export const ACCOUNT_CODE_WIDTH = 18;

/** Pads an account code to the width Exact stores, so `Code eq '…'` matches. */
export function padAccountCode(code: string | number): string {
  const text = String(code).trim();
  if (text.length > ACCOUNT_CODE_WIDTH) {
    throw new ExactInputError(`Account code "${text}" is longer than ${ACCOUNT_CODE_WIDTH} characters`, {
      code: text,
    });
  }
  return text.padStart(ACCOUNT_CODE_WIDTH, ' ');
}
