import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSimulator, TestHub } from '../connections/exact-test-kit.ts';
import { type ApiClient, BACKENDS } from '../support/test-hub.ts';
import { type FeedReceiver, startFeedReceiver } from './feed-receiver.ts';
import { createImportFlow, finishedRun, startFlowHub, uploadFile } from './flow-test-kit.ts';

const SECRET = 'the-api-test-signing-secret-0123456789';

describe.each(BACKENDS)('packages over the API on $name', (backend) => {
  let sim: RunningSimulator;
  let t: TestHub;
  let owner: ApiClient;
  let connectionId: string;
  let receiver: FeedReceiver;

  beforeAll(async () => {
    ({ sim, t, owner, connectionId } = await startFlowHub(backend));
    receiver = await startFeedReceiver(SECRET);
  });
  afterAll(async () => {
    await receiver?.close();
    await t?.close();
    await sim?.close();
  });

  it('lists every package with its settings schema, defaults and help text', async () => {
    const packages = await owner.get('/api/v1/packages');
    expect(packages.status).toBe(200);
    const feed = packages.body.find((pkg: { id: string }) => pkg.id === 'change-feed');
    expect(feed.title).toBe('Change feed');
    expect(feed.settingsSchema.required).toEqual(expect.arrayContaining(['url', 'signingSecret']));
    expect(feed.settingsSchema.properties.maxAttempts).toMatchObject({ default: 10 });
    for (const pkg of packages.body as {
      settingsSchema: { properties: Record<string, { description?: string }> };
    }[]) {
      for (const property of Object.values(pkg.settingsSchema.properties)) {
        expect(typeof property.description).toBe('string');
      }
    }
  });

  it('change feed: dead letters after the attempts, listed with the answers, retried through the API', async () => {
    const missing = await owner.post(`/api/v1/connections/${connectionId}/flows`, {
      packageId: 'change-feed',
    });
    expect(missing.status).toBe(400);
    expect(missing.body.error.code).toBe('invalid_settings');

    const created = await owner.post(`/api/v1/connections/${connectionId}/flows`, {
      packageId: 'change-feed',
      entities: ['accounts'],
      enabled: false,
      settings: { url: receiver.url, signingSecret: SECRET, maxAttempts: 1, batchSize: 500 },
    });
    expect(created.status).toBe(201);
    const flowId = created.body.id;
    expect((await owner.get(`/api/v1/flows/${flowId}/dead-letters`)).body).toEqual({
      pending: 0,
      dead: 0,
      events: [],
    });

    receiver.failNext(Number.POSITIVE_INFINITY);
    const failed = await finishedRun(owner, (await owner.post(`/api/v1/flows/${flowId}/run`)).body.id);
    expect(failed.status).toBe('failed');
    expect(failed.streams[0].error.code).toBe('feed_dead_letters');
    const accounts = failed.streams[0].rowsRead;
    expect(accounts).toBeGreaterThan(0);

    const dead = await owner.get(`/api/v1/flows/${flowId}/dead-letters?limit=500`);
    expect(dead.body.dead).toBe(accounts);
    expect(dead.body.events[0]).toMatchObject({ type: 'created', attempts: 1, lastError: 'HTTP 500' });
    const deliveries = await owner.get(`/api/v1/flows/${flowId}/deliveries`);
    expect(deliveries.body[0]).toMatchObject({ status: 500, bodyExcerpt: 'receiver down for maintenance' });

    // The signing secret is sealed at rest, never shown, and kept by a change that leaves it out.
    expect(created.body.settings.signingSecret).toBeUndefined();
    expect(created.body.secretsSet).toEqual(['signingSecret']);
    const hubDatabase = await t.hub.services.flows.destinations.open('', null);
    const stored = await hubDatabase.driver.query<{ settings: string }>(
      'select settings::text as settings from flows where id = $1',
      [flowId],
    );
    expect(stored.rows[0]?.settings).not.toContain(SECRET);
    expect(stored.rows[0]?.settings).toContain('$sealed');
    const patched = await owner.request('PATCH', `/api/v1/flows/${flowId}`, {
      settings: { url: receiver.url, maxAttempts: 1, batchSize: 250 },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.secretsSet).toEqual(['signingSecret']);

    receiver.failNext(0);
    const retried = await owner.post(`/api/v1/flows/${flowId}/dead-letters/retry`, {});
    expect(retried.status).toBe(200);
    expect(retried.body.requeued).toBe(accounts);
    expect((await finishedRun(owner, retried.body.run.id)).status).toBe('succeeded');
    expect(new Set(receiver.events.map((event) => event.key)).size).toBe(accounts);
    expect(receiver.badSignatures).toBe(0);
    expect((await owner.get(`/api/v1/flows/${flowId}/dead-letters`)).body.dead).toBe(0);
    expect((await owner.get(`/api/v1/flows/${flowId}/deliveries`)).body[0].status).toBe(200);
  });

  it('refuses change-feed actions on a flow of another package', async () => {
    const replica = await owner.post(`/api/v1/connections/${connectionId}/flows`, {
      packageId: 'replicate',
      enabled: false,
    });
    const answer = await owner.get(`/api/v1/flows/${replica.body.id}/dead-letters`);
    expect(answer.status).toBe(409);
    expect(answer.body.error.code).toBe('wrong_package');
  });

  it('import: a CSV file in a multipart form, its results as JSON and CSV; clear errors for bad uploads', async () => {
    const flow = await createImportFlow(owner, connectionId, ['items', 'accounts']);
    const csv = [
      'code;description;costPrice',
      'MP-001;"Koffiebonen; 1 kg";12.5',
      'MP-002;Filterzakjes;0.9',
      'MP-003;;3',
      'MP-004;Melkopschuimer;veel',
    ].join('\r\n');
    const response = await uploadFile(
      owner,
      `/api/v1/flows/${flow.id}/imports`,
      { entity: 'items' },
      { name: 'items.csv', text: csv, type: 'text/csv' },
    );
    expect(response.status).toBe(202);
    const uploaded = (await response.json()) as { import: { id: string }; run: { id: string } };
    expect((await finishedRun(owner, uploaded.run.id)).status).toBe('succeeded');
    const result = await owner.get(`/api/v1/flows/${flow.id}/imports/${uploaded.import.id}`);
    expect(result.body.import.counts).toMatchObject({ created: 2, failed: 2 });
    expect(result.body.rows.map((row: { status: string }) => row.status)).toEqual([
      'created',
      'created',
      'failed',
      'failed',
    ]);
    expect(result.body.rows[0].input.description).toBe('Koffiebonen; 1 kg');
    expect(result.body.rows[2].message).toBe('description: is required');
    expect(result.body.rows[3].message).toBe('costPrice: must be a number');
    const failedOnly = await owner.get(
      `/api/v1/flows/${flow.id}/imports/${uploaded.import.id}?status=failed`,
    );
    expect(failedOnly.body.rows).toHaveLength(2);
    const download = await owner.get<string>(
      `/api/v1/flows/${flow.id}/imports/${uploaded.import.id}/results.csv`,
    );
    expect(download.body.split('\n')[1]).toMatch(/^1,MP-001,created,/);

    const wrongEntity = await owner.post(`/api/v1/flows/${flow.id}/imports`, {
      entity: 'contacts',
      rows: [{}],
    });
    expect(wrongEntity.status).toBe(400);
    expect(wrongEntity.body.error.code).toBe('import_invalid');
    const empty = await owner.post(`/api/v1/flows/${flow.id}/imports`, { entity: 'items', rows: [] });
    expect(empty.body.error.code).toBe('import_invalid');
    const missing = await owner.get(`/api/v1/flows/${flow.id}/imports/00000000-0000-4000-8000-000000000000`);
    expect(missing.status).toBe(404);
    expect(missing.body.error.code).toBe('import_not_found');
  });

  it("import: the preview proposes a mapping of the file's columns; the upload read with the chosen mapping keeps it", async () => {
    const flow = await createImportFlow(owner, connectionId, ['accounts']);
    const csv = [
      'Relatiecode;Naam;E-mailadres;Plaats;Land;Notitie;Telefoon',
      'MAP-1;Kaasboer Jansen;info@kaasboer.nl;Gouda;NL;vaste klant;',
      'MAP-2;Bakkerij de Korst;post@korst.nl;Edam;NL;;',
      ...Array.from({ length: 6 }, (_, n) => `MAP-${n + 3};Klant ${n + 3};;Delft;NL;;`),
    ].join('\n');
    const preview = await owner.post(`/api/v1/flows/${flow.id}/imports/preview`, { entity: 'accounts', csv });
    expect(preview.status).toBe(200);
    expect(preview.body).toMatchObject({
      entity: 'accounts',
      columns: ['Relatiecode', 'Naam', 'E-mailadres', 'Plaats', 'Land', 'Notitie', 'Telefoon'],
      mapping: {
        Relatiecode: 'code',
        Naam: 'name',
        'E-mailadres': 'email',
        Plaats: 'city',
        Land: 'country',
        Notitie: null,
        Telefoon: 'phone',
      },
      unmappedRequired: [],
      rows: 8,
    });
    expect(preview.body.sample).toHaveLength(5);
    expect(preview.body.sample[0]).toMatchObject({ Relatiecode: 'MAP-1', Notitie: 'vaste klant' });
    expect(preview.body.fields).toContainEqual({ name: 'name', required: true });
    const unnamed = await owner.post(`/api/v1/flows/${flow.id}/imports/preview`, {
      entity: 'accounts',
      csv,
      mapping: { Naam: null },
    });
    expect(unnamed.body.unmappedRequired).toEqual(['name']);

    // The user maps "Notitie" to the website instead of leaving it out (nonsense, but theirs to choose).
    const mapping = { ...preview.body.mapping, Plaats: null, Notitie: 'website' };
    const response = await uploadFile(
      owner,
      `/api/v1/flows/${flow.id}/imports`,
      { entity: 'accounts', mapping: JSON.stringify(mapping) },
      { name: 'klanten.csv', text: csv, type: 'text/csv' },
    );
    expect(response.status).toBe(202);
    const uploaded = (await response.json()) as {
      import: { id: string; mapping: unknown };
      run: { id: string };
    };
    expect(uploaded.import).toMatchObject({ mapping, fileName: 'klanten.csv' });
    expect((await finishedRun(owner, uploaded.run.id)).status).toBe('succeeded');
    const result = await owner.get(`/api/v1/flows/${flow.id}/imports/${uploaded.import.id}`);
    expect(result.body.import.counts).toMatchObject({ created: 8, failed: 0 });
    expect(result.body.rows[0].input).toEqual({
      code: 'MAP-1',
      name: 'Kaasboer Jansen',
      email: 'info@kaasboer.nl',
      country: 'NL',
      website: 'vaste klant',
      status: 'C',
      isSupplier: false,
    });
    const listed = await owner.get(`/api/v1/flows/${flow.id}/imports`);
    expect(listed.body.imports[0]).toMatchObject({
      id: uploaded.import.id,
      fileName: 'klanten.csv',
      mapping,
    });

    const unknownField = await owner.post(`/api/v1/flows/${flow.id}/imports`, {
      entity: 'accounts',
      csv,
      mapping: { Naam: 'fullName' },
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.error.message).toContain('"fullName", which accounts do not have');
    const twice = await owner.post(`/api/v1/flows/${flow.id}/imports/preview`, {
      entity: 'accounts',
      csv,
      mapping: { Naam: 'name', Notitie: 'name' },
    });
    expect(twice.body.error.message).toBe('Columns "Naam" and "Notitie" are both mapped to "name".');
  });

  it('import: sales orders and invoices from CSV, one row per line grouped by yourRef; the same file again creates none', async () => {
    const flow = await createImportFlow(owner, connectionId, ['items', 'sales_orders', 'sales_invoices']);
    const items = await owner.post(`/api/v1/flows/${flow.id}/imports`, {
      entity: 'items',
      rows: [
        { code: 'SO-A', description: 'Artikel A' },
        { code: 'SO-B', description: 'Artikel B' },
      ],
    });
    expect((await finishedRun(owner, items.body.run.id)).status).toBe('succeeded');
    const csv = [
      'yourRef,customer,orderDate,item,quantity,unitPrice',
      'PO-1001,1,2026-11-30,SO-A,2,10.5',
      'PO-1001,1,2026-11-30,SO-B,1,4',
      'PO-1002,1,,SO-A,5,',
      'PO-1003,1,,NOPE,1,1',
      'PO-1004,1,,SO-A,-1,1',
    ].join('\n');
    for (const entity of ['sales_orders', 'sales_invoices']) {
      const results: Record<string, number>[] = [];
      for (let pass = 0; pass < 2; pass++) {
        const upload = await owner.post(`/api/v1/flows/${flow.id}/imports`, { entity, csv });
        expect(upload.status).toBe(202);
        expect(upload.body.import.rows).toBe(4);
        const finished = await finishedRun(owner, upload.body.run.id);
        expect(finished.streams[0].error, JSON.stringify(finished.streams[0].error)).toBeNull();
        const result = await owner.get(`/api/v1/flows/${flow.id}/imports/${upload.body.import.id}`);
        results.push(result.body.import.counts);
        if (pass === 0) {
          const messages = result.body.rows.map((row: { message: string | null }) => row.message);
          expect(messages[2]).toBe('lines.0.item: no item with code "NOPE" in Exact');
          expect(messages[3]).toBe('lines.0.quantity: must be more than 0');
        }
      }
      expect(results[0]).toMatchObject({ created: 2, failed: 2 });
      expect(results[1]).toMatchObject({ created: 0, unchanged: 2, failed: 2 });
    }

    // The preview of documents: a CSV line per document line, or JSON documents holding their lines.
    const flat = await owner.post(`/api/v1/flows/${flow.id}/imports/preview`, {
      entity: 'sales_orders',
      csv: 'Referentie;Klant;Artikel;Aantal;Prijs\nPO-9;1;SO-A;2;3.5',
    });
    expect(flat.body.mapping).toEqual({
      Referentie: 'yourRef',
      Klant: 'customer',
      Artikel: 'item',
      Aantal: 'quantity',
      Prijs: 'unitPrice',
    });
    expect(flat.body.unmappedRequired).toEqual([]);
    const nested = await owner.post(`/api/v1/flows/${flow.id}/imports/preview`, {
      entity: 'sales_orders',
      rows: [{ yourRef: 'PO-9', customer: '1', lines: [{ item: 'SO-A', quantity: 1 }] }],
    });
    expect(nested.body.mapping).toEqual({ yourRef: 'yourRef', customer: 'customer', lines: 'lines' });
    expect(nested.body.unmappedRequired).toEqual([]);
    const headerOnly = await owner.post(`/api/v1/flows/${flow.id}/imports/preview`, {
      entity: 'sales_orders',
      csv: 'yourRef,customer\nPO-9,1',
    });
    expect(headerOnly.body.unmappedRequired).toEqual(['item', 'quantity']);
  });
});
