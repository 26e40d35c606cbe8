import type { EdmType } from '../catalogue/types.ts';
import { ApiError } from './api-error.ts';
import type { CompareOp, FilterExpr, LiteralType } from './filter-parser.ts';
import { compareSqlGuids } from './guid-order.ts';

type Row = Record<string, unknown>;
type ValueKind = 'string' | 'guid' | 'datetime' | 'number' | 'boolean' | 'null';

export interface FieldAccessor {
  type: EdmType;
  get(row: Row): unknown;
}

/** Finds a filterable field by name; `undefined` for an unknown (or navigation) property. */
export type FieldResolver = (name: string) => FieldAccessor | undefined;

export type RowPredicate = (row: Row) => boolean;

interface Compiled {
  kind: ValueKind;
  /** Edm name for error messages. */
  edm: string;
  constant: boolean;
  eval: (row: Row) => unknown;
}

const EDM_KIND: Record<EdmType, ValueKind> = {
  'Edm.Binary': 'string',
  'Edm.Guid': 'guid',
  'Edm.String': 'string',
  'Edm.Byte': 'number',
  'Edm.Int16': 'number',
  'Edm.Int32': 'number',
  'Edm.Int64': 'number',
  'Edm.Double': 'number',
  'Edm.Boolean': 'boolean',
  'Edm.DateTime': 'datetime',
};

const LITERAL: Record<LiteralType, { kind: ValueKind; edm: string }> = {
  string: { kind: 'string', edm: 'Edm.String' },
  guid: { kind: 'guid', edm: 'Edm.Guid' },
  datetime: { kind: 'datetime', edm: 'Edm.DateTime' },
  int32: { kind: 'number', edm: 'Edm.Int32' },
  int64: { kind: 'number', edm: 'Edm.Int64' },
  double: { kind: 'number', edm: 'Edm.Double' },
  boolean: { kind: 'boolean', edm: 'Edm.Boolean' },
  null: { kind: 'null', edm: 'null' },
};

/**
 * Exact runs on SQL Server with a case-insensitive collation that ignores trailing spaces in
 * comparisons; strings are compared in that normalised form.
 */
function normalise(value: unknown): string | null {
  return typeof value === 'string' ? value.trimEnd().toLowerCase() : null;
}

function incompatible(op: string, a: Compiled, b: Compiled, pos: number): ApiError {
  return new ApiError(
    400,
    'query_syntax',
    `Operator '${op}' incompatible with operand types '${a.edm}' and '${b.edm}' at position ${pos}.`,
  );
}

function noSignature(name: string): ApiError {
  return new ApiError(
    400,
    'query_syntax',
    `No function signature for the function with name '${name}' matches the specified arguments.`,
  );
}

function orderOf(kind: ValueKind): (a: unknown, b: unknown) => number {
  switch (kind) {
    case 'string':
      return (a, b) => {
        const x = normalise(a) as string;
        const y = normalise(b) as string;
        return x < y ? -1 : x > y ? 1 : 0;
      };
    case 'guid':
      return (a, b) => compareSqlGuids(a as string, b as string);
    case 'boolean':
      return (a, b) => Number(a) - Number(b);
    default:
      return (a, b) => (a as number) - (b as number);
  }
}

function compileCompare(op: CompareOp, left: Compiled, right: Compiled, pos: number): Compiled {
  const nullSide = left.kind === 'null' || right.kind === 'null';
  if (!nullSide && left.kind !== right.kind) throw incompatible(op, left, right, pos);
  const l = left.eval;
  const r = right.eval;
  if (nullSide) {
    if (op !== 'eq' && op !== 'ne') throw incompatible(op, left, right, pos);
    const other = left.kind === 'null' ? r : l;
    const wantNull = op === 'eq';
    return {
      kind: 'boolean',
      edm: 'Edm.Boolean',
      constant: false,
      eval: (row) => (other(row) == null) === wantNull,
    };
  }
  const kind = left.kind;
  if (op === 'eq' || op === 'ne') {
    const same =
      kind === 'string'
        ? (a: unknown, b: unknown) => normalise(a) === normalise(b)
        : (a: unknown, b: unknown) => a === b;
    const positive = op === 'eq';
    if (right.constant) {
      const constant = r({});
      const key = kind === 'string' ? normalise(constant) : constant;
      if (kind === 'string') return bool((row) => (normalise(l(row)) === key) === positive);
      return bool((row) => (l(row) === key) === positive);
    }
    return bool((row) => same(l(row), r(row)) === positive);
  }
  const order = orderOf(kind);
  const test =
    op === 'gt'
      ? (c: number) => c > 0
      : op === 'ge'
        ? (c: number) => c >= 0
        : op === 'lt'
          ? (c: number) => c < 0
          : (c: number) => c <= 0;
  return bool((row) => {
    const a = l(row);
    const b = r(row);
    if (a == null || b == null) return false;
    return test(order(a, b));
  });
}

function bool(fn: (row: Row) => boolean): Compiled {
  return { kind: 'boolean', edm: 'Edm.Boolean', constant: false, eval: fn };
}

/** A test of two string arguments in their normalised form; false when either is null. */
function stringTest(first: Compiled, second: Compiled, test: (x: string, y: string) => boolean): Compiled {
  const f = first.eval;
  const g = second.eval;
  return bool((row) => {
    const x = normalise(f(row));
    const y = normalise(g(row));
    if (x === null || y === null) return false;
    return test(x, y);
  });
}

/** A function of one argument: `apply` to its value when it has the input type, else null. */
function scalarFunction<T>(
  arg: Compiled,
  result: { kind: ValueKind; edm: string },
  accepts: (value: unknown) => value is T,
  apply: (value: T) => unknown,
): Compiled {
  const f = arg.eval;
  return {
    ...result,
    constant: false,
    eval: (row) => {
      const v = f(row);
      return accepts(v) ? apply(v) : null;
    },
  };
}

const isString = (value: unknown): value is string => typeof value === 'string';
const isNumber = (value: unknown): value is number => typeof value === 'number';
const STRING_RESULT = { kind: 'string', edm: 'Edm.String' } as const;
const INT32_RESULT = { kind: 'number', edm: 'Edm.Int32' } as const;

const STRING_FUNCTIONS: Record<string, (value: string) => string> = {
  tolower: (v) => v.toLowerCase(),
  toupper: (v) => v.toUpperCase(),
  trim: (v) => v.trim(),
};

const DATE_PARTS: Record<string, (date: Date) => number> = {
  year: (d) => d.getUTCFullYear(),
  month: (d) => d.getUTCMonth() + 1,
  day: (d) => d.getUTCDate(),
  hour: (d) => d.getUTCHours(),
  minute: (d) => d.getUTCMinutes(),
  second: (d) => d.getUTCSeconds(),
};

function compileCall(name: string, args: Compiled[]): Compiled {
  const kinds = args.map((a) => a.kind).join(',');
  const [a, b] = args as [Compiled, Compiled];
  switch (name) {
    case 'substringof':
      if (kinds !== 'string,string') throw noSignature(name);
      return stringTest(a, b, (needle, hay) => hay.includes(needle));
    case 'startswith':
      if (kinds !== 'string,string') throw noSignature(name);
      return stringTest(a, b, (text, part) => text.startsWith(part));
    case 'endswith':
      if (kinds !== 'string,string') throw noSignature(name);
      return stringTest(a, b, (text, part) => text.endsWith(part));
    case 'tolower':
    case 'toupper':
    case 'trim':
      if (kinds !== 'string') throw noSignature(name);
      return scalarFunction(a, STRING_RESULT, isString, STRING_FUNCTIONS[name] as (v: string) => string);
    case 'length':
      if (kinds !== 'string') throw noSignature(name);
      return scalarFunction(a, INT32_RESULT, isString, (v) => v.length);
    case 'year':
    case 'month':
    case 'day':
    case 'hour':
    case 'minute':
    case 'second': {
      if (kinds !== 'datetime') throw noSignature(name);
      const part = DATE_PARTS[name] as (date: Date) => number;
      return scalarFunction(a, INT32_RESULT, isNumber, (v) => part(new Date(v)));
    }
    default:
      throw new ApiError(400, 'query_syntax', `Unknown function '${name}'.`);
  }
}

function compile(expr: FilterExpr, resolve: FieldResolver, typeName: string): Compiled {
  switch (expr.kind) {
    case 'literal': {
      const { kind, edm } = LITERAL[expr.type];
      const value = expr.value;
      return { kind, edm, constant: true, eval: () => value };
    }
    case 'field': {
      const field = resolve(expr.name);
      if (!field) {
        throw new ApiError(
          400,
          'unknown_property',
          `No property '${expr.name}' exists in type '${typeName}' at position ${expr.pos}.`,
        );
      }
      const name = expr.name;
      const get = field.get;
      return {
        kind: EDM_KIND[field.type],
        edm: field.type,
        constant: false,
        eval: get ?? ((row) => row[name]),
      };
    }
    case 'call':
      return compileCall(
        expr.name,
        expr.args.map((arg) => compile(arg, resolve, typeName)),
      );
    case 'compare':
      return compileCompare(
        expr.op,
        compile(expr.left, resolve, typeName),
        compile(expr.right, resolve, typeName),
        expr.pos,
      );
    case 'and':
    case 'or': {
      const left = compileBoolean(expr.left, resolve, typeName);
      const right = compileBoolean(expr.right, resolve, typeName);
      return expr.kind === 'and'
        ? bool((row) => left(row) && right(row))
        : bool((row) => left(row) || right(row));
    }
    case 'not': {
      const operand = compileBoolean(expr.operand, resolve, typeName);
      return bool((row) => !operand(row));
    }
  }
}

function compileBoolean(expr: FilterExpr, resolve: FieldResolver, typeName: string): RowPredicate {
  const compiled = compile(expr, resolve, typeName);
  if (compiled.kind !== 'boolean') {
    throw new ApiError(
      400,
      'query_syntax',
      `Expression of type '${compiled.edm}' cannot be used as a filter.`,
    );
  }
  const f = compiled.eval;
  return (row) => f(row) === true;
}

/** Compiles a parsed `$filter` to a predicate over internal rows. */
export function compileFilter(expr: FilterExpr, resolve: FieldResolver, typeName: string): RowPredicate {
  return compileBoolean(expr, resolve, typeName);
}

/**
 * The lower bound that `Timestamp gt N` / `ge N` terms at the top level of an AND chain put
 * on a sync read, so it can seek in the timestamp log instead of scanning (N, or N-1 for ge).
 */
export function timestampLowerBound(expr: FilterExpr | null): number {
  if (!expr) return Number.NEGATIVE_INFINITY;
  if (expr.kind === 'and') return Math.max(timestampLowerBound(expr.left), timestampLowerBound(expr.right));
  if (
    expr.kind === 'compare' &&
    expr.left.kind === 'field' &&
    expr.left.name === 'Timestamp' &&
    expr.right.kind === 'literal' &&
    typeof expr.right.value === 'number'
  ) {
    if (expr.op === 'gt') return expr.right.value;
    if (expr.op === 'ge') return expr.right.value - 1;
  }
  return Number.NEGATIVE_INFINITY;
}

/**
 * The key value pinned by a `Key eq guid'…'` term at the top level of an AND chain, so a
 * read can fetch that one row instead of scanning; `undefined` when the filter has none.
 */
export function keyEquality(expr: FilterExpr | null, keyField: string): unknown {
  if (!expr) return undefined;
  if (expr.kind === 'and') return keyEquality(expr.left, keyField) ?? keyEquality(expr.right, keyField);
  if (expr.kind !== 'compare' || expr.op !== 'eq') return undefined;
  const { left, right } = expr;
  if (left.kind === 'field' && left.name === keyField && right.kind === 'literal' && right.type === 'guid') {
    return right.value;
  }
  if (right.kind === 'field' && right.name === keyField && left.kind === 'literal' && left.type === 'guid') {
    return left.value;
  }
  return undefined;
}
