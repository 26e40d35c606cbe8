import type { EntityDef, FieldDef } from './types.ts';

export const timestampField: FieldDef = { name: 'Timestamp', type: 'Edm.Int64', key: true };

/**
 * The sync variant of an entity: the same properties (navigation collections excluded) plus
 * `Timestamp`, which is the documented key of every sync row.
 */
export function syncTwin(base: EntityDef, typeName: string): EntityDef {
  const fields: FieldDef[] = [timestampField];
  for (const field of base.fields) {
    if (field.type === 'nav') continue;
    const { key: _key, ...rest } = field;
    fields.push(rest);
  }
  return { name: base.name, typeName, key: 'Timestamp', fields };
}
