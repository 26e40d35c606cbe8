import { describe, expect, it } from 'vitest';
import type { EdmType } from '../../src/catalogue/types.ts';
import {
  amsterdamOffsetMs,
  formatLocalIso,
  formatSkipTokenDate,
  fromWallClock,
  toWallClock,
} from '../../src/odata/dutch-time.ts';
import { jsonValueFor } from '../../src/odata/json-values.ts';

const H = 3_600_000;

/** The JSON text of one value, as a row writes it. */
const encode = (type: EdmType, value: unknown): string => JSON.stringify(jsonValueFor(type)(value));

describe('Dutch wall-clock time', () => {
  it('switches to summer time on the last Sunday of March at 01:00 UTC', () => {
    // 2026-03-29 is the last Sunday of March 2026.
    expect(amsterdamOffsetMs(Date.UTC(2026, 2, 29, 0, 59, 59))).toBe(H);
    expect(amsterdamOffsetMs(Date.UTC(2026, 2, 29, 1, 0, 0))).toBe(2 * H);
    // 2025-03-30 is the last Sunday of March 2025 (a month with 31 days ending on Monday).
    expect(amsterdamOffsetMs(Date.UTC(2025, 2, 30, 0, 30))).toBe(H);
    expect(amsterdamOffsetMs(Date.UTC(2025, 2, 30, 1, 30))).toBe(2 * H);
  });

  it('switches back on the last Sunday of October at 01:00 UTC', () => {
    // 2026-10-25 is the last Sunday of October 2026.
    expect(amsterdamOffsetMs(Date.UTC(2026, 9, 25, 0, 59, 59))).toBe(2 * H);
    expect(amsterdamOffsetMs(Date.UTC(2026, 9, 25, 1, 0, 0))).toBe(H);
    // 2024-10-27.
    expect(amsterdamOffsetMs(Date.UTC(2024, 9, 27, 0, 0))).toBe(2 * H);
    expect(amsterdamOffsetMs(Date.UTC(2024, 9, 27, 1, 0))).toBe(H);
  });

  it('encodes instants as Amsterdam wall-clock time as if it were UTC', () => {
    // The recorded live sample: HTTP Date 14:21:03 GMT, ServerTime 16:21:03.
    const utc = Date.UTC(2026, 5, 25, 14, 21, 3);
    expect(formatLocalIso(toWallClock(utc))).toBe('2026-06-25T16:21:03');
    expect(toWallClock(Date.UTC(2026, 0, 15, 12, 0))).toBe(Date.UTC(2026, 0, 15, 13, 0));
    expect(encode('Edm.DateTime', toWallClock(utc))).toBe(`"/Date(${Date.UTC(2026, 5, 25, 16, 21, 3)})/"`);
  });

  it('maps wall-clock time back to the instant', () => {
    for (const utc of [Date.UTC(2026, 0, 1, 10), Date.UTC(2026, 6, 1, 10), Date.UTC(2026, 2, 29, 1, 30)]) {
      expect(fromWallClock(toWallClock(utc))).toBe(utc);
    }
  });

  it('trims trailing zeros of fractions in skiptoken dates', () => {
    expect(formatSkipTokenDate(Date.UTC(2018, 8, 21, 4, 18, 55, 617))).toBe('2018-09-21T04:18:55.617');
    expect(formatSkipTokenDate(Date.UTC(2024, 8, 9, 12, 40, 29, 900))).toBe('2024-09-09T12:40:29.9');
    expect(formatSkipTokenDate(Date.UTC(2024, 8, 9, 12, 40, 29, 0))).toBe('2024-09-09T12:40:29');
  });
});

describe('JSON value encoding', () => {
  it('writes Int64 as strings, GUIDs as strings, numbers and booleans bare, nulls as null', () => {
    expect(encode('Edm.Int64', 128)).toBe('"128"');
    expect(encode('Edm.Guid', '0f0e0d0c-0b0a-4908-8706-050403020100')).toBe(
      '"0f0e0d0c-0b0a-4908-8706-050403020100"',
    );
    expect(encode('Edm.Double', -16.5)).toBe('-16.5');
    expect(encode('Edm.Int32', 20)).toBe('20');
    expect(encode('Edm.Boolean', false)).toBe('false');
    expect(encode('Edm.String', 'Café "Het Hoekje"')).toBe('"Café \\"Het Hoekje\\""');
    expect(encode('Edm.String', null)).toBe('null');
    for (const text of ['tab\there', 'new\nline', 'back\\slash', 'quote"', 'emoji 😀', 'lone \ud800']) {
      expect(JSON.parse(encode('Edm.String', text)), text).toBe(text);
    }
  });
});
