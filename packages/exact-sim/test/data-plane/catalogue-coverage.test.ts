import { describe, expect, it } from 'vitest';
import { endpoints, tableEntities } from '../../src/catalogue/endpoints.ts';
import { harness, results } from './harness.ts';

describe('every catalogued endpoint', () => {
  const h = harness();

  it('answers a full read with rows whose fields follow the catalogue order and types', async () => {
    h.dp.mutate({ division: 7, entity: 'crm/Accounts', deletes: 1 });
    await h.send('POST', 'webhooks/WebhookSubscriptions', {
      CallbackURL: 'https://a.nl/hook',
      Topic: 'Items',
    });
    // Thirteen endpoints are POST-only actions (e.g. cashflow/ProcessPayments).
    for (const endpoint of endpoints.filter((e) => e.methods.includes('GET'))) {
      const scalar = endpoint.entity.fields.filter((f) => f.type !== 'nav');
      const select = scalar.map((f) => f.name).join(',');
      const query =
        endpoint.kind === 'sync' ? `$select=${select}&$filter=Timestamp gt 0L` : `$select=${select}`;
      const division = endpoint.path === 'current/Me' ? null : 7;
      const d = await h.d(endpoint.path, query, division);
      const rows = results(d);
      expect(rows.length, endpoint.path).toBeGreaterThan(0);
      const row = rows[0] as Record<string, unknown>;
      expect(Object.keys(row), endpoint.path).toEqual(['__metadata', ...scalar.map((f) => f.name)]);
      expect((row.__metadata as { type: string }).type, endpoint.path).toBe(endpoint.entity.typeName);
      for (const field of scalar) {
        const value = row[field.name];
        if (value === null) continue;
        const where = `${endpoint.path}.${field.name}`;
        switch (field.type) {
          case 'Edm.Guid':
            expect(value, where).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
            break;
          case 'Edm.Int64':
            expect(value, where).toMatch(/^-?\d+$/);
            break;
          case 'Edm.DateTime':
            expect(value, where).toMatch(/^\/Date\(-?\d+\)\/$/);
            break;
          case 'Edm.Boolean':
            expect(typeof value, where).toBe('boolean');
            break;
          case 'Edm.String':
            expect(typeof value, where).toBe('string');
            if (field.pad) expect((value as string).length, where).toBe(field.pad.width);
            break;
          default:
            expect(typeof value, where).toBe('number');
        }
      }
    }
  });
});

describe('sync endpoints without a standard twin', () => {
  const h = harness();

  it('give every record its own ID, as sync/Deleted and replicas key on it', async () => {
    const standalone = endpoints.filter(
      (e) =>
        e.kind === 'sync' &&
        e.source.type === 'table' &&
        tableEntities[e.source.table].key === 'Timestamp' &&
        e.entity.fields.some((f) => f.name === 'ID'),
    );
    expect(standalone.map((e) => e.path)).toContain('sync/Inventory/StockPositions');
    for (const endpoint of standalone) {
      const rows = results(await h.d(endpoint.path, '$select=ID&$filter=Timestamp gt 0L', 7));
      const ids = rows.map((row) => (row as { ID: unknown }).ID);
      expect(
        ids.every((id) => typeof id === 'string'),
        endpoint.path,
      ).toBe(true);
      expect(new Set(ids).size, endpoint.path).toBe(ids.length);
    }
  });
});
