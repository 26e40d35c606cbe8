import { describe, expect, it } from 'vitest';
import { coreTableNames, tableEntities } from '../../src/catalogue/endpoints.ts';
import { DivisionStore } from '../../src/data/division-store.ts';
import { defaultVolumes, GenerationContext } from '../../src/data/generation-context.ts';

function store(): DivisionStore {
  const anchor = Date.UTC(2026, 5, 25);
  const ctx = new GenerationContext(1234, 7, defaultVolumes, anchor, 'Jan de Vries');
  const info = {
    code: 7,
    description: 'Bakkerij',
    country: 'NL',
    currency: 'EUR',
    hid: 1,
    status: 1,
    blockingStatus: 0,
  };
  return new DivisionStore(info, ctx, anchor);
}

describe('a division builds the tables of other endpoints only when they are read', () => {
  it('starts with the core tables and builds a generic one on first use, with fresh Timestamps', () => {
    const division = store();
    expect(division.builtTables()).toEqual(coreTableNames);
    expect(Object.keys(division.tables).length).toBe(Object.keys(tableEntities).length);
    expect(division.builtTables()).toHaveLength(coreTableNames.length);

    const before = division.counter;
    const documents = division.tables['documents/Documents'];
    expect(division.builtTables()).toEqual([...coreTableNames, 'documents/Documents']);
    expect(division.tables['documents/Documents']).toBe(documents);
    expect(documents.timestampOf(0)).toBe(before + 1);
    expect(division.counter).toBe(before + documents.size);
  });

  it('generates the same rows whichever order tables are first read in', () => {
    const a = store();
    const b = store();
    a.tables['project/Projects'];
    const fromA = a.tables['documents/Documents'].row(3);
    const fromB = b.tables['documents/Documents'].row(3);
    const { Timestamp: _a, ...restA } = fromA;
    const { Timestamp: _b, ...restB } = fromB;
    expect(restA).toEqual(restB);
  });
});
