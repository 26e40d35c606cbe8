/** Quotes an identifier for SQL (names come from the catalogue and settings, never from rows). */
export function quoteIdent(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}
