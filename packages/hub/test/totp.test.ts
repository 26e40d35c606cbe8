import { describe, expect, it } from 'vitest';
import { base32Decode, base32Encode, hotp, totpCode, verifyTotp } from '../src/auth/totp.ts';

// RFC 6238 appendix B uses the ASCII secret "12345678901234567890" with SHA-1 and 8 digits;
// a 6-digit code is the last six digits of the same value.
const RFC_SECRET = base32Encode(Buffer.from('12345678901234567890'));

describe('TOTP (RFC 6238)', () => {
  it.each([
    [59, '287082'],
    [1111111109, '081804'],
    [1111111111, '050471'],
    [1234567890, '005924'],
    [2000000000, '279037'],
  ])('matches the RFC test vector at T=%i', (seconds, code) => {
    expect(totpCode(RFC_SECRET, new Date(seconds * 1000))).toBe(code);
  });

  it('matches RFC 4226 HOTP values', () => {
    expect([0, 1, 2, 9].map((c) => hotp(RFC_SECRET, c))).toEqual(['755224', '287082', '359152', '520489']);
  });

  it('accepts one step of drift either way, refuses replays and malformed codes', () => {
    const at = new Date(1_700_000_000_000);
    const previous = totpCode(RFC_SECRET, new Date(at.getTime() - 30_000));
    const step = verifyTotp(RFC_SECRET, previous, at, null);
    expect(step).toBe(Math.floor(at.getTime() / 30_000) - 1);
    expect(verifyTotp(RFC_SECRET, previous, at, step)).toBeUndefined();
    expect(
      verifyTotp(RFC_SECRET, totpCode(RFC_SECRET, new Date(at.getTime() - 90_000)), at, null),
    ).toBeUndefined();
    expect(verifyTotp(RFC_SECRET, 'abcdef', at, null)).toBeUndefined();
    expect(
      verifyTotp(
        RFC_SECRET,
        `${totpCode(RFC_SECRET, at).slice(0, 3)} ${totpCode(RFC_SECRET, at).slice(3)}`,
        at,
        null,
      ),
    ).toBeDefined();
  });

  it('round-trips base32', () => {
    const bytes = Buffer.from([0, 1, 2, 250, 251, 252, 253, 254, 255, 7]);
    expect(base32Decode(base32Encode(bytes))).toEqual(bytes);
    expect(base32Encode(Buffer.from('foobar'))).toBe('MZXW6YTBOI');
  });
});
