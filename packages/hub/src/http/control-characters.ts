import type { FastifyRequest } from 'fastify';
import { HubError } from '../errors/hub-error.ts';

// C0 controls except tab, line feed and carriage return, plus DEL. NUL cannot be stored in a
// Postgres text column at all; the rest only ever arrive by mistake or from a probe.
function isControlCharacter(code: number): boolean {
  return (code < 0x20 && code !== 0x09 && code !== 0x0a && code !== 0x0d) || code === 0x7f;
}

function hasControlCharacter(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (isControlCharacter(text.charCodeAt(i))) return true;
  return false;
}

/** A key fit to name in a message: its control characters shown as `?`. */
function printable(text: string): string {
  return Array.from(text, (char) => (isControlCharacter(char.charCodeAt(0)) ? '?' : char)).join('');
}

/** The path of the first string (key or value) holding a control character, if any. */
function findControlCharacter(value: unknown, path: string[]): string[] | undefined {
  if (typeof value === 'string') return hasControlCharacter(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findControlCharacter(item, [...path, String(index)]);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (hasControlCharacter(key)) return [...path, printable(key)];
      const found = findControlCharacter(item, [...path, key]);
      if (found) return found;
    }
  }
  return undefined;
}

/**
 * preValidation hook: text input with control characters (a NUL byte among them) is refused
 * with a 400 that names the field, before any schema, service or query sees it.
 */
export async function rejectControlCharacters(request: FastifyRequest): Promise<void> {
  for (const [part, value] of [
    ['body', request.body],
    ['query', request.query],
    ['params', request.params],
  ] as const) {
    const path = findControlCharacter(value, []);
    if (!path) continue;
    const field = path.join('.') || part;
    throw new HubError(
      'invalid_request',
      `The request ${part} is invalid: ${field} contains a control character (such as a NUL byte); send plain text.`,
      { details: { part, issues: [{ path: path.join('.'), message: 'contains a control character' }] } },
    );
  }
}
