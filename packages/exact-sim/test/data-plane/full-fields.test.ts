import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { endpointsByPath } from '../../src/catalogue/endpoints.ts';
import { harness, rowsOf } from './harness.ts';

describe("Exact's full field lists on the entities Koppel moves", () => {
  const h = harness({ volumes: { accounts: 50 } });

  it('serves every documented field of accounts, contacts, items, invoices, orders and divisions', () => {
    const metadata = JSON.parse(
      readFileSync(new URL('../../../../../shared/exact-metadata/endpoints.json', import.meta.url), 'utf8'),
    ) as { endpoints: { uri: string; properties: { name: string; type: string }[] }[] };
    for (const path of [
      'crm/Accounts',
      'crm/Contacts',
      'logistics/Items',
      'salesinvoice/SalesInvoices',
      'salesorder/SalesOrders',
      'system/Divisions',
    ]) {
      const documented = metadata.endpoints
        .find((e) => e.uri.endsWith(`{division}/${path}`))
        ?.properties.filter((p) => p.type.startsWith('Edm.'))
        .map((p) => p.name);
      const served = endpointsByPath.get(path.toLowerCase())?.entity.fields.map((f) => f.name) ?? [];
      expect(documented?.length, path).toBeGreaterThan(50);
      expect(served, path).toEqual(expect.arrayContaining(documented ?? []));
      const twin = path === 'crm/Accounts' ? endpointsByPath.get('sync/crm/accounts') : undefined;
      if (twin)
        expect(twin.entity.fields.map((f) => f.name)).toEqual(expect.arrayContaining(documented ?? []));
    }
  });

  it('selects and filters fields the hand-made generators do not know, with typed values', async () => {
    const select =
      '$select=ID,Code,Accountant,ActivitySector,BRIN,BusinessType,CanDropShip,IsPurchase,Country';
    const all = rowsOf(await h.d('crm/Accounts', select));
    expect(all).toHaveLength(50);
    for (const row of all) {
      expect(typeof row.IsPurchase).toBe('boolean');
      expect(typeof row.CanDropShip).toBe('boolean');
      expect(row.Country).toBe('NL ');
      expect((row.Code as string).length).toBe(18);
    }
    const purchasing = rowsOf(await h.d('crm/Accounts', `${select}&$filter=IsPurchase eq true`));
    expect(purchasing.length).toBeGreaterThan(0);
    expect(purchasing.map((row) => row.ID)).toEqual(all.filter((row) => row.IsPurchase).map((row) => row.ID));
    // The same values through the sync twin, and again on a second read.
    const synced = rowsOf(
      await h.d('sync/CRM/Accounts', '$select=ID,IsPurchase,BRIN&$filter=Timestamp gt 0L'),
    );
    const byId = new Map(all.map((row) => [row.ID, row]));
    for (const row of synced) {
      expect(row.IsPurchase).toBe(byId.get(row.ID)?.IsPurchase);
      expect(row.BRIN).toBe(byId.get(row.ID)?.BRIN);
    }
  });

  it("pads the division's Country and Legislation to 3 characters and fills its other fields", async () => {
    const [division] = rowsOf(await h.d('system/Divisions', ''));
    expect(division).toMatchObject({ Country: 'NL ', Legislation: 'NL ', Code: 7 });
    const fields = endpointsByPath.get('system/divisions')?.entity.fields.map((f) => f.name) ?? [];
    expect(Object.keys(division ?? {})).toEqual(['__metadata', ...fields]);
  });
});
