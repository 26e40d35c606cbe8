import type { EntityDef } from '../catalogue/entity.ts';
import { fieldsOf } from '../catalogue/entity.ts';
import { ExactInputError } from '../errors.ts';

export interface QueryOptions {
  select?: readonly string[];
  filter?: string;
  top?: number;
  orderBy?: readonly string[];
  expand?: readonly string[];
  inlineCount?: boolean;
}

/** Exact's own `__next` links leave `$ , ' ( )` raw and percent-encode the rest. */
function encodeValue(value: string): string {
  return encodeURIComponent(value).replaceAll('%2C', ',').replaceAll('%24', '$');
}

/** Every scalar field of an entity: the default `$select` (Exact discourages `$select=*`). */
export function defaultSelect(entity: EntityDef): string[] {
  return [...fieldsOf(entity).values()].filter((field) => field.type !== 'Nav').map((field) => field.name);
}

/** Checks option values and renders the query string (without `?`). */
export function renderQuery(entity: EntityDef, options: QueryOptions): string {
  const fields = fieldsOf(entity);
  const select = options.select ?? defaultSelect(entity);
  for (const name of [...select, ...(options.expand ?? [])]) {
    const base = name.split('/')[0] as string;
    if (!fields.has(base) && base !== 'Timestamp') {
      throw new ExactInputError(`${entity.path} has no field ${base}`, { entity: entity.path, field: base });
    }
  }
  const parts: string[] = [];
  if (select.length > 0) parts.push(`$select=${encodeValue(select.join(','))}`);
  if (options.filter) parts.push(`$filter=${encodeValue(options.filter)}`);
  if (options.top !== undefined) {
    if (!Number.isSafeInteger(options.top) || options.top < 0) {
      throw new ExactInputError(`$top must be a non-negative integer, got ${options.top}`, {
        top: options.top,
      });
    }
    parts.push(`$top=${options.top}`);
  }
  if (options.orderBy?.length) parts.push(`$orderby=${encodeValue(options.orderBy.join(','))}`);
  if (options.expand?.length) parts.push(`$expand=${encodeValue(options.expand.join(','))}`);
  if (options.inlineCount) parts.push('$inlinecount=allpages');
  return parts.join('&');
}
