import { timestampField } from './sync-twin.ts';
import type { EntityDef, FieldDef } from './types.ts';

export interface LineLevelSyncSpec {
  name: string;
  typeName: string;
  header: EntityDef;
  line: EntityDef;
  /** Columns of the header or the line that the sync row does not have. */
  omit?: readonly string[];
  /** Columns both store where the sync row shows the header's value. */
  fromHeader?: readonly string[];
  /** Columns neither has (lookups Exact adds to the sync row only). */
  extra?: readonly FieldDef[];
}

export interface LineLevelSync {
  entity: EntityDef;
  /** Columns of a sync row that come from the header rather than the line. */
  headerOnly: readonly string[];
}

/**
 * A line-level sync entity: one row per LINE with its header's columns repeated. A name the
 * line stores (not looks up) carries the line's value unless listed in `fromHeader`.
 * Properties after `Timestamp` come in alphabetical order (case-insensitive), as on Exact's
 * pages.
 */
export function lineLevelSync(spec: LineLevelSyncSpec): LineLevelSync {
  const omit = new Set(spec.omit);
  const fromHeader = new Set(spec.fromHeader);
  const lineStored = new Set(
    spec.line.fields.filter((field) => field.type !== 'nav' && !field.lookup).map((field) => field.name),
  );
  const chosen = new Map<string, FieldDef>();
  const headerOnly = new Set<string>();
  for (const field of spec.line.fields) {
    if (field.type === 'nav' || omit.has(field.name)) continue;
    chosen.set(field.name, field);
  }
  for (const field of spec.header.fields) {
    if (field.type === 'nav' || omit.has(field.name)) continue;
    const stored = !field.lookup;
    if (stored && (!lineStored.has(field.name) || fromHeader.has(field.name))) {
      chosen.set(field.name, field);
      headerOnly.add(field.name);
    } else if (!chosen.has(field.name)) {
      chosen.set(field.name, field);
    }
  }
  for (const field of spec.extra ?? []) chosen.set(field.name, field);

  const names = [...chosen.keys()].sort(byNameIgnoringCase);
  const fields: FieldDef[] = [timestampField];
  for (const name of names) {
    const { key: _key, readOnly: _readOnly, ...rest } = chosen.get(name) as FieldDef;
    fields.push(rest);
  }
  return {
    entity: { name: spec.name, typeName: spec.typeName, key: 'Timestamp', fields },
    headerOnly: names.filter((name) => headerOnly.has(name)),
  };
}

function byNameIgnoringCase(a: string, b: string): number {
  const left = a.toLowerCase();
  const right = b.toLowerCase();
  return left < right ? -1 : left > right ? 1 : 0;
}
