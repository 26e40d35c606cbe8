// jsonbText writes a record's keys in the order jsonb stores them, so Postgres need not sort
// them: the order is checked against Postgres itself, and the text must mean exactly the
// JSON that JSON.stringify gives, whatever the record (shapes that change, nested values,
// undefined values, keys that need escaping).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { jsonbText } from '../../src/destinations/jsonb-text.ts';
import { openTestDestination } from '../flows/replica-kit.ts';
import { BACKENDS } from '../support/test-hub.ts';

const RECORD = {
  __metadata: { uri: "https://start.exactonline.nl/api/v1/1/crm/Accounts(guid'x')", type: 'Exact.Account' },
  Timestamp: '1006251',
  ID: '006206c4-ce03-4796-9a0b-d48afd9b4de3',
  AmountDC: -615.62,
  Name: 'tab\there, "quoted", back\\slash, emoji 🦆',
  IsSupplier: false,
  Blocked: true,
  Notes: null,
  Lines: [1, 'two', { Three: 3 }],
  Ab: 1,
  Aa: 2,
  é: 'accent key (two bytes)',
  z: 'one byte',
  'a"b': 'a quote in a key',
};

describe('jsonbText', () => {
  it('means the same JSON as JSON.stringify', () => {
    expect(JSON.parse(jsonbText(RECORD))).toEqual(RECORD);
  });

  it('puts shorter keys first, equal lengths by their UTF-8 bytes', () => {
    const keys = Object.keys(JSON.parse(jsonbText(RECORD)));
    expect(keys.slice(0, 5)).toEqual(['z', 'Aa', 'Ab', 'ID', 'é']);
    expect(keys.at(-1)).toBe('__metadata');
  });

  it('follows each record when the shape changes from one to the next', () => {
    const records = [
      { A: 1, B: 'b' },
      { B: 'b', A: 1 },
      { A: 1, B: 'b', C: null },
      { A: 1 },
      { A: 1, B: 'b' },
      {},
    ];
    for (const record of records) expect(JSON.parse(jsonbText(record))).toEqual(record);
  });

  it('writes what JSON.stringify writes for numbers JSON has no form for', () => {
    const record = { A: Number.NaN, B: Number.POSITIVE_INFINITY, C: -0, D: 1e21 };
    expect(JSON.parse(jsonbText(record))).toEqual(JSON.parse(JSON.stringify(record)));
  });

  it('leaves a key with an undefined value out, as JSON.stringify does', () => {
    const record = { A: 1, B: undefined, C: 'c' };
    expect(jsonbText({ A: 2, B: 'b', C: 'c' })).toBe('{"A":2,"B":"b","C":"c"}');
    expect(JSON.parse(jsonbText(record))).toEqual({ A: 1, C: 'c' });
  });
});

describe.each(BACKENDS)('jsonbText on $name', (backend) => {
  let query: (text: string, params: unknown[]) => Promise<{ rows: Record<string, unknown>[] }>;
  let dispose: () => Promise<void>;

  beforeAll(async () => {
    const opened = await openTestDestination(backend);
    query = (text, params) => opened.destination.driver.query(text, params);
    dispose = opened.dispose;
  });
  afterAll(async () => {
    await dispose();
  });

  it('writes the keys in the order Postgres stores them, and Postgres reads the same value', async () => {
    const text = jsonbText(RECORD);
    const result = await query(
      'select array(select jsonb_object_keys($1::jsonb)) as keys, $1::jsonb = $2::jsonb as same',
      [text, JSON.stringify(RECORD)],
    );
    expect(result.rows[0]?.keys).toEqual(Object.keys(JSON.parse(text)));
    expect(result.rows[0]?.same).toBe(true);
  });
});
