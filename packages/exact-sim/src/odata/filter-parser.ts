import { querySyntaxError } from './api-error.ts';
import { toWallClock } from './dutch-time.ts';
import { type Token, tokenize } from './filter-lexer.ts';

export type LiteralType = 'string' | 'guid' | 'datetime' | 'int32' | 'int64' | 'double' | 'boolean' | 'null';
export type CompareOp = 'eq' | 'ne' | 'gt' | 'ge' | 'lt' | 'le';

export type FilterExpr =
  | { kind: 'literal'; type: LiteralType; value: string | number | boolean | null }
  | { kind: 'field'; name: string; pos: number }
  | { kind: 'call'; name: string; args: FilterExpr[]; pos: number }
  | { kind: 'compare'; op: CompareOp; left: FilterExpr; right: FilterExpr; pos: number }
  | { kind: 'and' | 'or'; left: FilterExpr; right: FilterExpr }
  | { kind: 'not'; operand: FilterExpr };

const COMPARE_OPS = new Set<string>(['eq', 'ne', 'gt', 'ge', 'lt', 'le']);
const GUID = /^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/;
const DATETIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,7}))?)?)?$/;
const DATETIME_OFFSET = /^(\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,7})?)?)(Z|[+-]\d{2}:\d{2})$/;

/** `datetime'…'` has no zone: it is Dutch wall-clock time, kept as as-if-UTC ms. */
export function parseWallClockDateTime(text: string): number | null {
  const m = DATETIME.exec(text);
  if (!m) return null;
  const [, y, mo, d, h, mi, s, frac] = m;
  const ms = frac ? Math.round(Number(`0.${frac}`) * 1000) : 0;
  const value = Date.UTC(
    Number(y),
    Number(mo) - 1,
    Number(d),
    Number(h ?? 0),
    Number(mi ?? 0),
    Number(s ?? 0),
    ms,
  );
  const check = new Date(value);
  if (check.getUTCDate() !== Number(d) || check.getUTCMonth() !== Number(mo) - 1) return null;
  if (Number(h ?? 0) > 23 || Number(mi ?? 0) > 59 || Number(s ?? 0) > 59) return null;
  return value;
}

function typedLiteral(token: Extract<Token, { kind: 'typed' }>): FilterExpr {
  switch (token.prefix) {
    case 'guid':
      if (!GUID.test(token.value)) throw querySyntaxError();
      return { kind: 'literal', type: 'guid', value: token.value.toLowerCase() };
    case 'datetime': {
      const value = parseWallClockDateTime(token.value);
      if (value === null) throw querySyntaxError();
      return { kind: 'literal', type: 'datetime', value };
    }
    case 'datetimeoffset': {
      const m = DATETIME_OFFSET.exec(token.value);
      const utc = m ? Date.parse(m[2] === 'Z' ? `${m[1]}Z` : `${m[1]}${m[2]}`) : Number.NaN;
      if (Number.isNaN(utc)) throw querySyntaxError();
      return { kind: 'literal', type: 'datetime', value: toWallClock(utc) };
    }
    default:
      throw querySyntaxError();
  }
}

function numberLiteral(token: Extract<Token, { kind: 'number' }>): FilterExpr {
  const value = Number(token.text);
  if (!Number.isFinite(value)) throw querySyntaxError();
  if (token.suffix === 'L') {
    if (!Number.isInteger(value)) throw querySyntaxError();
    return { kind: 'literal', type: 'int64', value };
  }
  if (token.suffix !== '' || /[.eE]/.test(token.text)) return { kind: 'literal', type: 'double', value };
  return { kind: 'literal', type: 'int32', value };
}

class Parser {
  private readonly tokens: Token[];
  private index = 0;

  constructor(tokens: Token[]) {
    this.tokens = tokens;
  }

  private peek(): Token {
    return this.tokens[this.index] as Token;
  }

  private take(): Token {
    return this.tokens[this.index++] as Token;
  }

  private keyword(word: string): boolean {
    const t = this.peek();
    if (t.kind === 'identifier' && t.text.toLowerCase() === word) {
      this.index++;
      return true;
    }
    return false;
  }

  parse(): FilterExpr {
    const expr = this.or();
    if (this.peek().kind !== 'end') throw querySyntaxError();
    return expr;
  }

  private or(): FilterExpr {
    let left = this.and();
    while (this.keyword('or')) left = { kind: 'or', left, right: this.and() };
    return left;
  }

  private and(): FilterExpr {
    let left = this.comparison();
    while (this.keyword('and')) left = { kind: 'and', left, right: this.comparison() };
    return left;
  }

  private comparison(): FilterExpr {
    const left = this.unary();
    const t = this.peek();
    if (t.kind === 'identifier' && COMPARE_OPS.has(t.text.toLowerCase())) {
      this.index++;
      const right = this.unary();
      return { kind: 'compare', op: t.text.toLowerCase() as CompareOp, left, right, pos: t.pos };
    }
    return left;
  }

  private unary(): FilterExpr {
    if (this.keyword('not')) return { kind: 'not', operand: this.unary() };
    return this.primary();
  }

  private primary(): FilterExpr {
    const t = this.take();
    switch (t.kind) {
      case 'lparen': {
        const inner = this.or();
        if (this.take().kind !== 'rparen') throw querySyntaxError();
        return inner;
      }
      case 'string':
        return { kind: 'literal', type: 'string', value: t.value };
      case 'typed':
        return typedLiteral(t);
      case 'number':
        return numberLiteral(t);
      case 'identifier': {
        const word = t.text.toLowerCase();
        if (word === 'true' || word === 'false')
          return { kind: 'literal', type: 'boolean', value: word === 'true' };
        if (word === 'null') return { kind: 'literal', type: 'null', value: null };
        if (this.peek().kind === 'lparen') {
          this.index++;
          const args: FilterExpr[] = [];
          if (this.peek().kind !== 'rparen') {
            args.push(this.or());
            while (this.peek().kind === 'comma') {
              this.index++;
              args.push(this.or());
            }
          }
          if (this.take().kind !== 'rparen') throw querySyntaxError();
          return { kind: 'call', name: word, args, pos: t.pos };
        }
        return { kind: 'field', name: t.text, pos: t.pos };
      }
      default:
        throw querySyntaxError();
    }
  }
}

/** Parses an OData v3 `$filter` expression; throws the 400 "Error in query syntax" on bad input. */
export function parseFilter(source: string): FilterExpr {
  return new Parser(tokenize(source)).parse();
}
