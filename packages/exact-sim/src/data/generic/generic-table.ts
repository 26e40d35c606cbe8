// Rows for endpoints without a hand-made generator: every field from its Edm type and name,
// deterministic from the seed, the division and the table. Tables are built the first time
// an endpoint is read, so start-up does not pay for 370 endpoints.

import type { EntityDef } from '../../catalogue/types.ts';
import { hash, rowGuid } from '../random.ts';
import type { Row, RowGenerator } from '../table.ts';
import { type GenericScope, type ReferenceTarget, type ValueMaker, valueMakerFor } from './field-values.ts';

/** Rows of a table without a hand-made generator (a small, browsable sample). */
export const GENERIC_ROWS = 12;

/** The salt of a generic table's keys and values: from its name, clear of the core tables' salts. */
export function genericSalt(table: string): number {
  let h = 0;
  for (let i = 0; i < table.length; i++) h = (Math.imul(h, 31) + table.charCodeAt(i)) >>> 0;
  return 1000 + (h % 1_000_000);
}

/** Capitals of the entity name, for generated codes: `ItemGroups` → `IG`. */
function codePrefix(entity: EntityDef): string {
  const capitals =
    entity.typeName
      .split('.')
      .at(-1)
      ?.replace(/[^A-Z]/g, '') ?? '';
  return (capitals || 'X').slice(0, 3);
}

/** Makers for the fields of an entity, excluding the key and navigation collections. */
export function fieldMakers(
  entity: EntityDef,
  scope: GenericScope,
  references: ReadonlyMap<string, ReferenceTarget>,
): [string, ValueMaker][] {
  const prefix = codePrefix(entity);
  return entity.fields
    .filter((field) => field.type !== 'nav' && field.name !== entity.key && !field.lookup)
    .map((field) => [field.name, valueMakerFor(field, scope, prefix, references)]);
}

/** Key of generated row `index`: a GUID, or `index + 1` for integer keys, or a code. */
function keyMaker(entity: EntityDef, scope: GenericScope, salt: number): (index: number) => unknown {
  const type = entity.fields.find((f) => f.name === entity.key)?.type;
  const { seed, division } = scope.ctx;
  if (type === 'Edm.Guid') return (index) => rowGuid(seed, division, salt, index);
  if (type === 'Edm.String') return (index) => `${codePrefix(entity)}${String(index + 1).padStart(3, '0')}`;
  return (index) => index + 1;
}

export function genericGenerator(
  entity: EntityDef,
  scope: GenericScope,
  salt: number,
  references: ReadonlyMap<string, ReferenceTarget>,
  count = GENERIC_ROWS,
): RowGenerator {
  const makers = fieldMakers(entity, scope, references);
  const key = keyMaker(entity, scope, salt);
  const { seed, division } = scope.ctx;
  // A sync endpoint without a standard twin is keyed on its Timestamp cursor here, yet its
  // records carry their own ID (what sync/Deleted names and clients key replicas on): unique.
  const recordId =
    entity.key === 'Timestamp' && entity.fields.some((f) => f.name === 'ID' && f.type === 'Edm.Guid')
      ? 'ID'
      : undefined;
  return {
    count,
    key: (index) => key(index) as string,
    row: (index) => {
      const r = scope.ctx.rand(salt, index);
      const input = { r, index, daysAgo: 30 + (hash(seed, division, salt, index) % 900) };
      const row: Row = { [entity.key]: key(index) };
      for (const [name, make] of makers) row[name] = make(input);
      if (recordId) row[recordId] = rowGuid(seed, division, salt + 1, index);
      return row;
    },
  };
}

/**
 * A hand-made generator with the fields it does not produce filled in generically: its
 * values win, the generic ones complete the record to Exact's full field list.
 */
export function completedGenerator(
  entity: EntityDef,
  scope: GenericScope,
  salt: number,
  hand: RowGenerator,
): RowGenerator {
  const sample = hand.count > 0 ? hand.row(0) : {};
  const makers = fieldMakers(entity, scope, new Map()).filter(([name]) => !(name in sample));
  if (makers.length === 0) return hand;
  const { seed, division } = scope.ctx;
  return {
    ...hand,
    row: (index) => {
      const row = hand.row(index);
      const r = scope.ctx.rand(salt + 500_000, index);
      const input = { r, index, daysAgo: 30 + (hash(seed, division, salt, index) % 900) };
      for (const [name, make] of makers) row[name] = make(input);
      return row;
    },
  };
}
