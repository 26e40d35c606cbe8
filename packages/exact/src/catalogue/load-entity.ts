import type { EntityDef } from './entity.ts';
import { catalogueIndex } from './generated/endpoint-index.ts';

// Run from source (the `koppel-source` condition) the modules are `.ts`; compiled to dist/,
// `.js`. A computed import path is not rewritten by the compiler, so it is chosen here.
const EXTENSION = import.meta.url.endsWith('.ts') ? '.ts' : '.js';

/**
 * Loads the catalogue entity of an endpoint path (`sync/Project/Projects`,
 * `crm/Accounts`; case-insensitive, as Exact's routing is) by importing only its module.
 * Resolves `undefined` for a path Exact's reference does not list.
 */
export async function loadEntity(path: string): Promise<EntityDef | undefined> {
  const wanted = path.toLowerCase();
  const entry = catalogueIndex.find((candidate) => candidate.path.toLowerCase() === wanted);
  if (entry === undefined) return undefined;
  const module = (await import(`./generated/${entry.module}${EXTENSION}`)) as Record<string, EntityDef>;
  return module[entry.exportName];
}
