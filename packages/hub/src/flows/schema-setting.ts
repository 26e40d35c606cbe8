import { z } from 'zod';

/** A package's Postgres schema setting: a lower-case name Postgres keeps as written, with its default. */
export function schemaSetting(defaultName: string, description: string) {
  return z
    .string()
    .regex(/^[a-z_][a-z0-9_]{0,62}$/, 'a lower-case Postgres name: letters, digits and _, at most 63')
    .default(defaultName)
    .describe(description);
}
