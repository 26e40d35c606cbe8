import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { fromWallClock, toWallClock } from '../../exact-sim/src/odata/dutch-time.ts';
import {
  dutchWallToUtc,
  formatDutchLocal,
  formatExactDate,
  padAccountCode,
  parseExactDate,
  parseInt64,
  RAW,
  transactionLines,
  utcToDutchWall,
} from '../src/index.ts';
import { readRow, readRows } from '../src/values/row-reader.ts';

const amsterdam = new Intl.DateTimeFormat('en-GB', {
  timeZone: 'Europe/Amsterdam',
  hourCycle: 'h23',
  year: 'numeric',
  month: '2-digit',
  day: '2-digit',
  hour: '2-digit',
  minute: '2-digit',
  second: '2-digit',
});

/** Wall time in Amsterdam per the platform's tz database, encoded as if UTC. */
function intlWall(utcMs: number): number {
  const parts: Record<string, string> = Object.fromEntries(
    amsterdam.formatToParts(new Date(utcMs)).map((p) => [p.type, p.value]),
  );
  const n = (type: string) => Number(parts[type]);
  return Date.UTC(n('year'), n('month') - 1, n('day'), n('hour'), n('minute'), n('second'));
}

describe('Dutch wall-clock time', () => {
  it('matches the tz database every 3 hours from 1960 to 2040, including every DST switch', () => {
    const step = 3 * 3_600_000;
    let mismatches = 0;
    for (let t = Date.UTC(1960, 0, 1); t < Date.UTC(2040, 0, 1); t += step) {
      if (utcToDutchWall(t) !== intlWall(t)) mismatches++;
    }
    expect(mismatches).toBe(0);
  });

  it('agrees with the simulator every 3 hours from 1960 to 2040, both ways', () => {
    const step = 3 * 3_600_000;
    const disagreements: string[] = [];
    for (let t = Date.UTC(1960, 0, 1); t < Date.UTC(2040, 0, 1); t += step) {
      if (toWallClock(t) !== utcToDutchWall(t) || fromWallClock(t) !== dutchWallToUtc(t)) {
        disagreements.push(new Date(t).toISOString());
      }
    }
    expect(disagreements).toEqual([]);
  });

  it('ends summer time on the last Sunday of September before 1996', () => {
    const autumnSwitch = Date.UTC(1995, 8, 24, 1);
    expect(toWallClock(autumnSwitch - 1) - (autumnSwitch - 1)).toBe(7_200_000);
    expect(toWallClock(autumnSwitch) - autumnSwitch).toBe(3_600_000);
    expect(utcToDutchWall(autumnSwitch) - autumnSwitch).toBe(3_600_000);
  });

  it('switches exactly at 01:00 UTC on the last Sundays of March and October', () => {
    const springSwitch = Date.UTC(2026, 2, 29, 1);
    expect(utcToDutchWall(springSwitch - 1) - (springSwitch - 1)).toBe(3_600_000);
    expect(utcToDutchWall(springSwitch) - springSwitch).toBe(7_200_000);
    const autumnSwitch = Date.UTC(2026, 9, 25, 1);
    expect(utcToDutchWall(autumnSwitch - 1) - (autumnSwitch - 1)).toBe(7_200_000);
    expect(utcToDutchWall(autumnSwitch) - autumnSwitch).toBe(3_600_000);
  });

  it('round-trips every minute across both 2025 switch days', () => {
    for (const day of [Date.UTC(2025, 2, 30), Date.UTC(2025, 9, 26)]) {
      for (let t = day - 3_600_000 * 3; t < day + 3_600_000 * 6; t += 60_000) {
        // The repeated autumn hour maps back to its first (summer-time) occurrence.
        const back = dutchWallToUtc(utcToDutchWall(t));
        expect([t, t - 3_600_000]).toContain(back);
        expect(utcToDutchWall(back)).toBe(utcToDutchWall(t));
      }
    }
  });

  it('reads the recorded live sample: 14:21:04 GMT in June is /Date(16:21:04)/', () => {
    // facts §3.4: Created /Date(1782404464260)/ for an HTTP Date of 14:21:03 GMT.
    expect(parseExactDate('/Date(1782404464260)/').toISOString()).toBe('2026-06-25T14:21:04.260Z');
    expect(formatExactDate(new Date('2026-06-25T14:21:04.260Z'))).toBe('/Date(1782404464260)/');
  });

  it('uses UTC+1 in winter', () => {
    expect(formatExactDate(new Date('2026-01-15T11:00:00Z'))).toBe(`/Date(${Date.UTC(2026, 0, 15, 12)})/`);
    expect(parseExactDate(`/Date(${Date.UTC(2026, 0, 15, 12)})/`).toISOString()).toBe(
      '2026-01-15T11:00:00.000Z',
    );
  });

  it('rejects text that is not /Date(ms)/', () => {
    expect(() => parseExactDate('2026-01-01')).toThrow(/Not an Exact date/);
  });

  it('formats filter literals in local time and trims zeros like Exact', () => {
    expect(formatDutchLocal(new Date('2024-09-09T10:40:29.900Z'))).toBe('2024-09-09T12:40:29.9');
    expect(formatDutchLocal(new Date('2024-01-01T11:00:00Z'))).toBe('2024-01-01T12:00:00');
    expect(formatDutchLocal(new Date('2023-12-31T23:00:00Z'))).toBe('2024-01-01');
  });
});

describe('Int64 and codes', () => {
  it('reads Int64 sent as a string beyond 2^53', () => {
    expect(parseInt64('9007199254740993')).toBe(9007199254740993n);
    expect(parseInt64(128)).toBe(128n);
    expect(() => parseInt64('12a')).toThrow(/Not an Int64/);
  });

  it('pads account codes to 18 characters right-aligned', () => {
    expect(padAccountCode('25')).toBe('                25');
    expect(padAccountCode(' 0000011 ')).toHaveLength(18);
    expect(() => padAccountCode('1234567890123456789')).toThrow(/longer than 18/);
  });
});

describe('typed rows of a page', () => {
  const raw = (extra: Record<string, unknown> = {}) => ({
    __metadata: { uri: 'x', type: 'Exact.Web.Api.Models.Financial.TransactionLine' },
    ID: 'a1',
    Date: '/Date(1782404464260)/',
    VATCode: 'VB ',
    AmountDC: 12.5,
    EntryNumber: null,
    Timestamp: '9007199254740993',
    ...extra,
  });

  it('converts every record of a page like readRow, and keeps the raw record', () => {
    const records = [raw(), raw({ ID: 'a2', VATCode: null })];
    const rows = readRows(transactionLines, records);
    expect(rows).toEqual(records.map((record) => readRow(transactionLines, record)));
    expect(rows[0]).toEqual({
      ID: 'a1',
      Date: new Date(Date.UTC(2026, 5, 25, 14, 21, 4, 260)),
      VATCode: 'VB',
      AmountDC: 12.5,
      EntryNumber: null,
      Timestamp: 9_007_199_254_740_993n,
      [RAW]: records[0],
    });
    expect(rows[1]?.VATCode).toBeNull();
    expect(rows[1]?.[RAW]).toBe(records[1]);
    expect(Object.keys(rows[0] ?? {})).toEqual([
      'ID',
      'Date',
      'VATCode',
      'AmountDC',
      'EntryNumber',
      'Timestamp',
    ]);
  });

  it('reads records whose keys differ from the first one field by field', () => {
    const { VATCode: _dropped, ...fewer } = raw();
    const records = [raw(), fewer, raw({ Description: 'extra' }), { Timestamp: '5', ID: 'b' }];
    const rows = readRows(transactionLines, records);
    expect(rows).toEqual(records.map((record) => readRow(transactionLines, record)));
    expect(rows[1]).not.toHaveProperty('VATCode');
    expect(rows[2]?.Description).toBe('extra');
    expect(Object.keys(rows[3] ?? {})).toEqual(['Timestamp', 'ID']);
  });

  it('falls back to readRow where code generation is disabled', async () => {
    const rowReader = new URL('../src/values/row-reader.ts', import.meta.url).pathname;
    const catalogue = new URL('../src/index.ts', import.meta.url).pathname;
    const script = `
      const { readRows } = await import(${JSON.stringify(rowReader)});
      const { transactionLines } = await import(${JSON.stringify(catalogue)});
      const rows = readRows(transactionLines, [{ ID: 'a', VATCode: 'VB ', Timestamp: '7' }]);
      process.stdout.write(JSON.stringify(rows, (_key, value) => typeof value === 'bigint' ? String(value) : value));`;
    const { stdout } = await promisify(execFile)(process.execPath, [
      '--disallow-code-generation-from-strings',
      '--input-type=module',
      '--eval',
      script,
    ]);
    expect(JSON.parse(stdout)).toEqual([{ ID: 'a', VATCode: 'VB', Timestamp: '7' }]);
  });

  it('rejects a bad value in a compiled read as readRow does', () => {
    expect(() => readRows(transactionLines, [raw(), raw({ Date: 'yesterday' })])).toThrow(
      /Not an Exact date/,
    );
  });
});
