import { querySyntaxError } from './api-error.ts';

export type Token =
  | { kind: 'lparen' | 'rparen' | 'comma' | 'end'; pos: number }
  | { kind: 'identifier'; text: string; pos: number }
  | { kind: 'string'; value: string; pos: number }
  /** `guid'…'`, `datetime'…'`, `datetimeoffset'…'`. */
  | { kind: 'typed'; prefix: string; value: string; pos: number }
  /** A number; `suffix` is the type letter (`L`, `M`, `D`, `F`) or ''. */
  | { kind: 'number'; text: string; suffix: string; pos: number };

function isIdentStart(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95;
}

function isIdentPart(c: number): boolean {
  return isIdentStart(c) || (c >= 48 && c <= 57) || c === 47;
}

function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

/** Reads a quoted literal starting at the opening quote; `''` is an escaped quote. */
function readQuoted(src: string, start: number): { value: string; end: number } {
  let value = '';
  let i = start + 1;
  for (;;) {
    const q = src.indexOf("'", i);
    if (q < 0) throw querySyntaxError();
    value += src.slice(i, q);
    if (src.charCodeAt(q + 1) === 39) {
      value += "'";
      i = q + 2;
      continue;
    }
    return { value, end: q + 1 };
  }
}

/** Splits a `$filter` expression into tokens; any character it does not know is a syntax error. */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src.charCodeAt(i);
    if (c === 32 || c === 9 || c === 10 || c === 13) {
      i++;
    } else if (c === 40) {
      tokens.push({ kind: 'lparen', pos: i++ });
    } else if (c === 41) {
      tokens.push({ kind: 'rparen', pos: i++ });
    } else if (c === 44) {
      tokens.push({ kind: 'comma', pos: i++ });
    } else if (c === 39) {
      const { value, end } = readQuoted(src, i);
      tokens.push({ kind: 'string', value, pos: i });
      i = end;
    } else if (isDigit(c) || (c === 45 && isDigit(src.charCodeAt(i + 1)))) {
      const start = i;
      i++;
      while (isDigit(src.charCodeAt(i))) i++;
      if (src.charCodeAt(i) === 46 && isDigit(src.charCodeAt(i + 1))) {
        i++;
        while (isDigit(src.charCodeAt(i))) i++;
      }
      if ((src.charCodeAt(i) | 32) === 101 && /[-+\d]/.test(src.charAt(i + 1))) {
        i += 2;
        while (isDigit(src.charCodeAt(i))) i++;
      }
      const text = src.slice(start, i);
      let suffix = '';
      const s = src.charAt(i);
      if (/^[LlMmDdFf]$/.test(s) && !isIdentPart(src.charCodeAt(i + 1))) {
        suffix = s.toUpperCase();
        i++;
      }
      if (isIdentPart(src.charCodeAt(i))) throw querySyntaxError();
      tokens.push({ kind: 'number', text, suffix, pos: start });
    } else if (isIdentStart(c)) {
      const start = i;
      while (isIdentPart(src.charCodeAt(i))) i++;
      const text = src.slice(start, i);
      if (src.charCodeAt(i) === 39) {
        const { value, end } = readQuoted(src, i);
        tokens.push({ kind: 'typed', prefix: text.toLowerCase(), value, pos: start });
        i = end;
      } else {
        tokens.push({ kind: 'identifier', text, pos: start });
      }
    } else {
      throw querySyntaxError();
    }
  }
  tokens.push({ kind: 'end', pos: src.length });
  return tokens;
}
