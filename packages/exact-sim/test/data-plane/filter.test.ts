import { describe, expect, it } from 'vitest';
import type { EdmType } from '../../src/catalogue/types.ts';
import { ApiError } from '../../src/odata/api-error.ts';
import {
  compileFilter,
  type FieldResolver,
  keyEquality,
  timestampLowerBound,
} from '../../src/odata/filter-compiler.ts';
import { parseFilter } from '../../src/odata/filter-parser.ts';

const types: Record<string, EdmType> = {
  ID: 'Edm.Guid',
  Name: 'Edm.String',
  Code: 'Edm.String',
  Type: 'Edm.Int32',
  Timestamp: 'Edm.Int64',
  AmountDC: 'Edm.Double',
  Modified: 'Edm.DateTime',
  Blocked: 'Edm.Boolean',
  Email: 'Edm.String',
};
const resolve: FieldResolver = (name) => {
  const type = types[name];
  return type ? { type, get: (row) => row[name] } : undefined;
};

type Row = Record<string, unknown>;
const rows: Row[] = [
  {
    ID: '5b3c9f0e-1d2a-4c1b-9a8e-7f6d5c4b3a21',
    Name: "Café 't Hoekje",
    Code: '                 1',
    Type: 20,
    Timestamp: 100,
    AmountDC: -16.5,
    Modified: Date.UTC(2024, 8, 9, 12, 40, 29, 900),
    Blocked: false,
    Email: null,
  },
  {
    ID: 'a1b2c3d4-0000-4000-8000-000000000002',
    Name: 'Bakkerij De Vries B.V.',
    Code: '                25',
    Type: 30,
    Timestamp: 200,
    AmountDC: 99.95,
    Modified: Date.UTC(2014, 0, 1),
    Blocked: true,
    Email: 'info@devries.nl',
  },
];

function match(filter: string): number[] {
  const predicate = compileFilter(parseFilter(filter), resolve, 'Exact.Web.Api.Models.Account');
  return rows.flatMap((row, i) => (predicate(row) ? [i] : []));
}

function failure(filter: string): ApiError {
  try {
    compileFilter(parseFilter(filter), resolve, 'Exact.Web.Api.Models.Account');
  } catch (error) {
    if (error instanceof ApiError) return error;
    throw error;
  }
  throw new Error(`expected ${filter} to fail`);
}

describe('$filter', () => {
  it('compares numbers, Int64 with the L suffix, doubles and booleans', () => {
    expect(match('Type eq 20')).toEqual([0]);
    expect(match('Type ne 20')).toEqual([1]);
    expect(match('Timestamp gt 150L')).toEqual([1]);
    expect(match('Timestamp ge 100L and Timestamp le 100L')).toEqual([0]);
    expect(match('AmountDC lt 0')).toEqual([0]);
    expect(match('AmountDC gt 99.9')).toEqual([1]);
    expect(match('Blocked eq true')).toEqual([1]);
    expect(match('Blocked')).toEqual([1]);
    expect(match('not Blocked')).toEqual([0]);
  });

  it('matches guid literals case-insensitively', () => {
    expect(match("ID eq guid'A1B2C3D4-0000-4000-8000-000000000002'")).toEqual([1]);
    expect(match("ID ne guid'a1b2c3d4-0000-4000-8000-000000000002'")).toEqual([0]);
  });

  it("handles strings with '' escaping, SQL Server's case-insensitive collation and trailing spaces", () => {
    expect(match("Name eq 'Café ''t Hoekje'")).toEqual([0]);
    expect(match("Name eq 'bakkerij de vries b.v.'")).toEqual([1]);
    expect(match("Code eq '                25'")).toEqual([1]);
    expect(match("Code eq '25'")).toEqual([]);
    expect(match("trim(Code) eq '25'")).toEqual([1]);
  });

  it('supports substringof, startswith, endswith, tolower, toupper and length', () => {
    expect(match("substringof('vries', Name) eq true")).toEqual([1]);
    expect(match("substringof('B.V.', Name)")).toEqual([1]);
    expect(match("startswith(Name, 'Café')")).toEqual([0]);
    expect(match("endswith(Name, 'b.v.')")).toEqual([1]);
    expect(match("tolower(Name) eq 'bakkerij de vries b.v.'")).toEqual([1]);
    expect(match("toupper(Name) eq 'BAKKERIJ DE VRIES B.V.'")).toEqual([1]);
    expect(match('length(trim(Code)) eq 2')).toEqual([1]);
  });

  it('reads datetime literals as Dutch local time with or without seconds and fractions', () => {
    expect(match("Modified gt datetime'2024-09-09T12:40:29'")).toEqual([0]);
    expect(match("Modified eq datetime'2024-09-09T12:40:29.9'")).toEqual([0]);
    expect(match("Modified lt datetime'2014-01-01T00:00'")).toEqual([]);
    expect(match("Modified le datetime'2014-01-01'")).toEqual([1]);
    expect(match('year(Modified) eq 2024')).toEqual([0]);
  });

  it('takes every date part of a datetime field', () => {
    expect(match('month(Modified) eq 9 and day(Modified) eq 9')).toEqual([0]);
    expect(match('hour(Modified) eq 12 and minute(Modified) eq 40 and second(Modified) eq 29')).toEqual([0]);
    expect(match('month(Modified) eq 1 and day(Modified) eq 1 and hour(Modified) eq 0')).toEqual([1]);
    expect(failure('month(Name) eq 1').message).toContain("function with name 'month'");
  });

  it('applies precedence (not > comparison > and > or) and parentheses', () => {
    expect(match('Type eq 20 or Type eq 30 and Blocked eq false')).toEqual([0]);
    expect(match('(Type eq 20 or Type eq 30) and Blocked eq false')).toEqual([0]);
    expect(match('(Type eq 20 or Type eq 30) and not (Blocked eq false)')).toEqual([1]);
  });

  it('compares with null', () => {
    expect(match('Email eq null')).toEqual([0]);
    expect(match('Email ne null')).toEqual([1]);
  });

  it('answers syntax errors with Exact\'s "Error in query syntax."', () => {
    for (const bad of [
      'Type eq',
      'Type eq 20 and',
      "Name eq 'unterminated",
      '(Type eq 20',
      'Type eq 20)',
      "ID eq guid'not-a-guid'",
      "Modified gt datetime'2024-13-01'",
      'Type eq 20 # 3',
      'Type eq 12abc',
    ]) {
      const error = failure(bad);
      expect(error.status, bad).toBe(400);
      expect(error.message, bad).toBe('Bad Request - Error in query syntax.');
    }
  });

  it('refuses unknown fields and mismatched types with a clear 400', () => {
    const unknown = failure("Nmae eq 'x'");
    expect(unknown.status).toBe(400);
    expect(unknown.code).toBe('unknown_property');
    expect(unknown.message).toBe(
      "No property 'Nmae' exists in type 'Exact.Web.Api.Models.Account' at position 0.",
    );
    const mismatch = failure("ID eq 'abc'");
    expect(mismatch.status).toBe(400);
    expect(mismatch.message).toContain("incompatible with operand types 'Edm.Guid' and 'Edm.String'");
    expect(failure('Type').message).toContain('cannot be used as a filter');
    expect(failure("substringof(Type, 'x')").message).toContain("'substringof'");
  });

  it('finds the Timestamp lower bound used to seek sync reads', () => {
    expect(timestampLowerBound(parseFilter('Timestamp gt 123L'))).toBe(123);
    expect(timestampLowerBound(parseFilter('Timestamp ge 123L and Type eq 2'))).toBe(122);
    expect(timestampLowerBound(parseFilter('Timestamp gt 5L or Type eq 2'))).toBe(Number.NEGATIVE_INFINITY);
  });

  it('finds a key pinned by ID eq guid at the top level', () => {
    const id = 'a1b2c3d4-0000-4000-8000-000000000002';
    expect(keyEquality(parseFilter(`ID eq guid'${id}'`), 'ID')).toBe(id);
    expect(keyEquality(parseFilter(`Type eq 2 and guid'${id}' eq ID`), 'ID')).toBe(id);
    expect(keyEquality(parseFilter(`Type eq 2 or ID eq guid'${id}'`), 'ID')).toBeUndefined();
    expect(keyEquality(parseFilter(`ID ne guid'${id}'`), 'ID')).toBeUndefined();
  });

  it('compiles once into a predicate that is reused for every row', () => {
    const predicate = compileFilter(
      parseFilter("Timestamp gt 10L and (Type eq 20 or substringof('vries', Name))"),
      resolve,
      'T',
    );
    const row = rows[1] as Row;
    let hits = 0;
    for (let i = 0; i < 1_000_000; i++) if (predicate(row)) hits++;
    expect(hits).toBe(1_000_000);
  });
});

describe('$filter robustness', () => {
  it('answers any garbage with an ApiError, never a crash (seeded fuzz)', () => {
    const pieces = [
      'Name',
      'Type',
      'ID',
      'Timestamp',
      'eq',
      'ne',
      'gt',
      'and',
      'or',
      'not',
      '(',
      ')',
      ',',
      "'x'",
      "'",
      "''",
      '12',
      '12L',
      '1.5',
      '-3',
      "guid'a1b2c3d4-0000-4000-8000-000000000002'",
      "datetime'2024-01-01'",
      'true',
      'null',
      'substringof',
      'trim',
      'startswith',
      'tolower',
      'year',
      ' ',
      '/',
      '$',
      'Nmae',
      "datetime'x'",
    ];
    let state = 12345;
    const next = () => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return state;
    };
    for (let n = 0; n < 3000; n++) {
      let source = '';
      const length = 1 + (next() % 9);
      for (let k = 0; k < length; k++) source += `${pieces[next() % pieces.length]} `;
      try {
        const predicate = compileFilter(parseFilter(source), resolve, 'T');
        for (const row of rows) expect(typeof predicate(row), source).toBe('boolean');
      } catch (error) {
        expect(error, source).toBeInstanceOf(ApiError);
        expect((error as ApiError).status, source).toBe(400);
      }
    }
  });
});
