// COPY text for the replica's typed columns: each value as Postgres's COPY reads it back.
import { describe, expect, it } from 'vitest';
import { COPY_NULL, copyJson, copyText, copyValue } from '../../src/destinations/copy-text.ts';

describe('copyValue', () => {
  it('writes null, booleans, numbers and escaped text as COPY reads them', () => {
    expect(copyValue(null)).toBe(COPY_NULL);
    expect(copyValue(undefined)).toBe(COPY_NULL);
    expect(copyValue(true)).toBe('t');
    expect(copyValue(false)).toBe('f');
    expect(copyValue(-615.62)).toBe('-615.62');
    expect(copyValue(12n)).toBe('12');
    expect(copyValue('tab\there\nback\\slash\r')).toBe('tab\\there\\nback\\\\slash\\r');
    expect(copyValue({ a: 'x\\y' })).toBe('{"a":"x\\\\\\\\y"}');
  });

  it('writes every date as its ISO text, the same instant again from the kept texts', () => {
    const instants = Array.from(
      { length: 10_000 },
      (_, i) => Date.UTC(2024, 0, 1) + (i % 5_000) * 86_400_123,
    );
    for (const time of [...instants, ...instants.reverse()]) {
      expect(copyValue(new Date(time))).toBe(new Date(time).toISOString());
    }
    expect(copyValue(new Date(-62198755200000))).toBe('-000001-01-01T00:00:00.000Z');
  });

  it('leaves an invalid date visible, so Postgres refuses the row', () => {
    expect(copyValue(new Date(Number.NaN))).toBe('invalid date');
  });
});

describe('copyText and copyJson', () => {
  it('escape only what COPY reads specially', () => {
    expect(copyText('plain é 🦆')).toBe('plain é 🦆');
    expect(copyJson(JSON.stringify({ a: 'q"\\' }))).toBe('{"a":"q\\\\"\\\\\\\\"}');
  });
});
