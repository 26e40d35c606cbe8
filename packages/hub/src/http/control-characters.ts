import type { FastifyRequest } from 'fastify';
import { HubError } from '../errors/hub-error.ts';

// C0 controls except tab, line feed and carriage return, plus DEL. NUL cannot be stored in a
// Postgres text column at all; the rest only ever arrive by mistake or from a probe.
const CONTROL_CHARACTER = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/;

/** The path of the first string (key or value) holding a control character, if any. */
function findControlCharacter(value: unknown, path: string[]): string[] | undefined {
  if (typeof value === 'string') return CONTROL_CHARACTER.test(value) ? path : undefined;
  if (Array.isArray(value)) {
    for (const [index, item] of value.entries()) {
      const found = findControlCharacter(item, [...path, String(index)]);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    for (const [key, item] of Object.entries(value)) {
      if (CONTROL_CHARACTER.test(key)) return [...path, key.replace(/[\u0000-\u001F\u007F]/g, '?')];
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
