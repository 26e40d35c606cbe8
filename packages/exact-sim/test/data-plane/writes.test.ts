import { describe, expect, it } from 'vitest';
import { compareSqlGuids } from '../../src/odata/guid-order.ts';
import { caller, errorMessage, harness, json, type Rows, results } from './harness.ts';

type Obj = Record<string, unknown>;

function d(response: { body: string | Buffer }): Obj {
  return (json(response as never) as { d: Obj }).d;
}

async function maxTimestamp(h: ReturnType<typeof harness>, path: string): Promise<number> {
  const rows = results(await h.d(path, '$select=Timestamp&$filter=Timestamp gt 0L&$top=100000'));
  let max = 0;
  for (const row of rows) max = Math.max(max, Number(row.Timestamp));
  return max;
}

describe('writes', () => {
  it('POST answers 201 with the key and nulls unless Prefer: return=representation', async () => {
    const h = harness();
    const plain = await h.send('POST', 'crm/Accounts', { Name: 'Kapsalon Knip B.V.', City: 'Utrecht' });
    expect(plain.status).toBe(201);
    const body = d(plain);
    expect(body.ID).toMatch(/^[0-9a-f-]{36}$/);
    expect(body.Name).toBeNull();
    expect(body.City).toBeNull();
    expect((body.__metadata as Obj).uri).toBe(
      `http://127.0.0.1:5080/api/v1/7/crm/Accounts(guid'${body.ID as string}')`,
    );
    expect(plain.headers.location).toBe((body.__metadata as Obj).uri);
    const stored = await h.d(`crm/Accounts(guid'${body.ID as string}')`);
    expect(stored.Name).toBe('Kapsalon Knip B.V.');
    expect(stored.City).toBe('Utrecht');
    expect(stored.Code).toBe('                26');
    expect(stored.Country).toBe('NL ');
    expect(stored.Creator).toBe(caller.userId);
    expect(stored.CreatorFullName).toBe('Jan de Vries');
    // Created is the simulated now in Dutch wall-clock time (16:21:03 local for 14:21:03 UTC).
    expect(stored.Created).toBe(`/Date(${Date.UTC(2026, 5, 25, 16, 21, 3)})/`);

    const full = await h.send(
      'POST',
      'crm/Contacts',
      { Account: body.ID, FirstName: 'Sanne', LastName: 'Bakker' },
      {
        prefer: 'return=representation',
      },
    );
    expect(full.status).toBe(201);
    expect(d(full).FullName).toBe('Sanne Bakker');
    expect(d(full).AccountName).toBe('Kapsalon Knip B.V.');
  });

  it('can answer POST with 200 instead of 201', async () => {
    const h = harness({ behaviour: { postStatus: 200 } });
    expect((await h.send('POST', 'logistics/Items', { Code: 'X1', Description: 'Test' })).status).toBe(200);
  });

  it("answers validation errors with 500 and Exact's error body", async () => {
    const h = harness();
    const response = await h.send('POST', 'crm/Accounts', { City: 'Delft' });
    expect(response.status).toBe(500);
    expect(json(response)).toEqual({ error: { code: '', message: { lang: '', value: 'Mandatory: Name' } } });
    const contact = await h.send('POST', 'crm/Contacts', { LastName: 'Jansen' });
    expect(errorMessage(contact)).toBe('Mandatory: Account');
    const badRef = await h.send('POST', 'crm/Contacts', {
      LastName: 'Jansen',
      Account: '00000000-0000-4000-8000-000000000000',
    });
    expect(badRef.status).toBe(500);
    expect(errorMessage(badRef)).toContain('Invalid reference: Account');
    const dup = await h.send('POST', 'crm/Accounts', { Name: 'Dubbel', Code: '1' });
    expect(dup.status).toBe(500);
    expect(errorMessage(dup)).toContain('Code already in use');
  });

  it('answers malformed JSON, unknown properties and bad values with 400', async () => {
    const h = harness();
    const broken = await h.send('POST', 'crm/Accounts', '{"Name": ');
    expect(broken.status).toBe(400);
    expect(errorMessage(broken)).toContain('not valid JSON');
    const unknown = await h.send('POST', 'crm/Accounts', { Name: 'X', Nmae: 'Y' });
    expect(unknown.status).toBe(400);
    expect(errorMessage(unknown)).toContain(
      "The property 'Nmae' does not exist on type 'Exact.Web.Api.Models.Account'",
    );
    const badGuid = await h.send('POST', 'crm/Contacts', { LastName: 'X', Account: 'nope' });
    expect(badGuid.status).toBe(400);
    expect(errorMessage(badGuid)).toContain(
      "Cannot convert the value 'nope' to type 'Edm.Guid' for property 'Account'",
    );
  });

  it('ignores read-only fields in a write', async () => {
    const h = harness();
    const created = d(
      await h.send(
        'POST',
        'crm/Accounts',
        { Name: 'Garage Smit', CountryName: 'Mars', Type: 'D' },
        { prefer: 'return=representation' },
      ),
    );
    expect(created.CountryName).toBe('Nederland');
    expect(created.Type).toBe('A');
  });

  it('PUT updates only the sent fields (204, empty) and stamps Modified, Modifier and a new Timestamp', async () => {
    const h = harness();
    const [row] = results(await h.d('crm/Accounts', '$top=1'));
    const id = (row as Obj).ID as string;
    const before = results(
      await h.d('sync/CRM/Accounts', `$select=Timestamp,Name,City&$filter=ID eq guid'${id}'`),
    )[0] as Obj;
    const highest = await maxTimestamp(h, 'sync/Financial/TransactionLines');
    h.clock.set(Date.UTC(2026, 11, 1, 9, 0, 0));
    const put = await h.send('PUT', `crm/Accounts(guid'${id}')`, { Name: 'Bakkerij Nieuw B.V.' });
    expect(put.status).toBe(204);
    expect(put.body).toBe('');
    const after = results(
      await h.d(
        'sync/CRM/Accounts',
        `$select=Timestamp,Name,City,Modified,Modifier&$filter=ID eq guid'${id}'`,
      ),
    )[0] as Obj;
    expect(after.Name).toBe('Bakkerij Nieuw B.V.');
    expect(after.City).toBe(before.City);
    // One counter per division across all entities: higher than any transaction line.
    expect(Number(after.Timestamp)).toBeGreaterThan(highest);
    expect(after.Modified).toBe(`/Date(${Date.UTC(2026, 11, 1, 10, 0, 0)})/`);
    expect(after.Modifier).toBe(caller.userId);
    const changed = results(await h.d('sync/CRM/Accounts', `$select=ID&$filter=Timestamp gt ${highest}L`));
    expect(changed.map((r) => r.ID)).toEqual([id]);
    expect(h.events.at(-1)).toMatchObject({
      division: 7,
      entity: 'crm/Accounts',
      topic: 'Accounts',
      action: 'Update',
      key: id,
      endpoint: `http://127.0.0.1:5080/api/v1/7/crm/Accounts(guid'${id}')`,
      at: Date.UTC(2026, 11, 1, 9, 0, 0),
    });
    expect(
      (await h.send('PUT', "crm/Accounts(guid'00000000-0000-4000-8000-000000000000')", { Name: 'x' })).status,
    ).toBe(404);
  });

  it('DELETE answers 204 and records the key in sync/Deleted with the EntityType code', async () => {
    const h = harness();
    const contacts = results(await h.d('crm/Contacts', '$select=ID&$top=2'));
    const id = (contacts[0] as Obj).ID as string;
    const response = await h.send('DELETE', `crm/Contacts(guid'${id}')`);
    expect(response.status).toBe(204);
    expect(response.body).toBe('');
    expect((await h.get(`crm/Contacts(guid'${id}')`)).status).toBe(404);
    const deleted = results(
      await h.d(
        'sync/Deleted',
        '$select=Timestamp,EntityKey,EntityType,DeletedBy,DeletedDate,Division&$filter=Timestamp gt 0L',
      ),
    );
    expect(deleted).toHaveLength(1);
    expect(deleted[0]).toMatchObject({ EntityKey: id, EntityType: 5, DeletedBy: caller.userId, Division: 7 });
    expect(typeof deleted[0]?.Timestamp).toBe('string');
    const filtered = results(
      await h.d('sync/Deleted', '$select=EntityKey&$filter=Timestamp gt 0L and EntityType eq 2'),
    );
    expect(filtered).toHaveLength(0);
    expect(h.events.at(-1)).toMatchObject({ action: 'Delete', topic: 'Contacts', key: id });
    expect((await h.get('crm/Contacts/$count')).body).toBe('59');
  });

  it('keeps key-order paging consistent after created records are deleted', async () => {
    const h = harness({ volumes: { accounts: 100 } });
    await h.get('crm/Accounts', '$select=ID');
    const ids: string[] = [];
    for (let n = 0; n < 5; n++) {
      ids.push(d(await h.send('POST', 'crm/Accounts', { Name: `Klant ${n}` })).ID as string);
    }
    await h.send('DELETE', `crm/Accounts(guid'${ids[1] as string}')`);
    await h.send('DELETE', `crm/Accounts(guid'${ids[3] as string}')`);
    await h.send('POST', 'crm/Accounts', { Name: 'Klant 6' });
    const seen: string[] = [];
    let query = '$select=ID';
    for (;;) {
      const page = await h.d('crm/Accounts', query);
      seen.push(...results(page).map((r) => r.ID as string));
      if (!page.__next) break;
      query = (page.__next as string).split('?')[1] as string;
    }
    expect(seen).toHaveLength(104);
    expect(new Set(seen).size).toBe(104);
    expect(seen).not.toContain(ids[1]);
    expect([...seen].sort(compareSqlGuids)).toEqual(seen);
  });

  it('deep-inserts an invoice with its lines and answers with the populated invoice, lines deferred', async () => {
    const h = harness();
    const [account] = results(await h.d('crm/Accounts', '$select=ID,Name&$top=1'));
    const items = results(await h.d('logistics/Items', '$select=ID,StandardSalesPrice,SalesVatCode&$top=2'));
    const noLines = await h.send('POST', 'salesinvoice/SalesInvoices', { OrderedBy: (account as Obj).ID });
    expect(noLines.status).toBe(500);
    expect(errorMessage(noLines)).toBe('Mandatory: SalesInvoiceLines');

    const response = await h.send('POST', 'salesinvoice/SalesInvoices', {
      OrderedBy: (account as Obj).ID,
      Description: 'Levering juni',
      InvoiceDate: '2026-06-25',
      SalesInvoiceLines: [
        { Item: (items[0] as Obj).ID, Quantity: 2 },
        { Item: (items[1] as Obj).ID, Quantity: '3', UnitPrice: 10 },
      ],
    });
    expect(response.status).toBe(201);
    const invoice = d(response);
    const id = invoice.InvoiceID as string;
    expect(invoice.OrderedByName).toBe((account as Obj).Name);
    expect(invoice.Description).toBe('Levering juni');
    expect(invoice.InvoiceDate).toBe(`/Date(${Date.UTC(2026, 5, 25)})/`);
    expect(invoice.SalesInvoiceLines).toEqual({
      __deferred: {
        uri: `http://127.0.0.1:5080/api/v1/7/salesinvoice/SalesInvoices(guid'${id}')/SalesInvoiceLines`,
      },
    });
    const line1 = 2 * ((items[0] as Obj).StandardSalesPrice as number);
    expect(invoice.AmountFCExclVat).toBeCloseTo(line1 + 30, 2);
    const lines = results(
      await h.d(
        `salesinvoice/SalesInvoices(guid'${id}')/SalesInvoiceLines`,
        '$select=ID,LineNumber,AmountFC,InvoiceID',
      ),
    );
    expect(lines.map((l) => l.LineNumber).sort()).toEqual([1, 2]);

    // The line-level sync feed has one row per line with the header's columns.
    const syncRows = results(
      await h.d(
        'sync/SalesInvoice/SalesInvoices',
        `$select=ID,InvoiceID,LineNumber,InvoiceNumber,OrderedByName,AmountFC,AmountFCExclVat,Description&$filter=InvoiceID eq guid'${id}'`,
      ),
    );
    expect(syncRows).toHaveLength(2);
    for (const row of syncRows) {
      expect(row.InvoiceNumber).toBe(invoice.InvoiceNumber);
      expect(row.OrderedByName).toBe(invoice.OrderedByName);
      expect(row.AmountFCExclVat).toBe(invoice.AmountFCExclVat);
    }
    expect(syncRows[1]?.AmountFC).toBe(30);
    expect(h.events.filter((e) => e.topic === 'SalesInvoices').map((e) => e.action)).toEqual(['Create']);

    // Changing the header re-stamps its lines so line-level sync readers see the change.
    const stamps = results(
      await h.d('sync/SalesInvoice/SalesInvoices', `$select=Timestamp&$filter=InvoiceID eq guid'${id}'`),
    );
    const highest = Math.max(...stamps.map((r) => Number(r.Timestamp)));
    expect(
      (await h.send('PUT', `salesinvoice/SalesInvoices(guid'${id}')`, { YourRef: 'PO-42' })).status,
    ).toBe(204);
    const touched = results(
      await h.d('sync/SalesInvoice/SalesInvoices', `$select=YourRef&$filter=Timestamp gt ${highest}L`),
    );
    expect(touched.map((r) => r.YourRef)).toEqual(['PO-42', 'PO-42']);

    // Deleting the invoice deletes its lines, logged as EntityType 13 with the line IDs.
    expect((await h.send('DELETE', `salesinvoice/SalesInvoices(guid'${id}')`)).status).toBe(204);
    const deleted = results(
      await h.d('sync/Deleted', '$select=EntityKey,EntityType&$filter=Timestamp gt 0L'),
    );
    expect(deleted.map((r) => r.EntityType)).toEqual([13, 13]);
    expect(deleted.map((r) => r.EntityKey).sort()).toEqual(lines.map((l) => l.ID).sort());
  });

  it('deep-inserts a sales order; posting a single line updates the order totals', async () => {
    const h = harness();
    const [account] = results(await h.d('crm/Accounts', '$select=ID&$top=1'));
    const [item] = results(await h.d('logistics/Items', '$select=ID&$top=1'));
    const order = d(
      await h.send('POST', 'salesorder/SalesOrders', {
        OrderedBy: (account as Obj).ID,
        SalesOrderLines: [{ Item: (item as Obj).ID, Quantity: 1, UnitPrice: 100 }],
      }),
    );
    expect(order.AmountFCExclVat).toBe(100);
    expect(order.Status).toBe(12);
    const id = order.OrderID as string;
    const line = await h.send('POST', 'salesorder/SalesOrderLines', {
      OrderID: id,
      Item: (item as Obj).ID,
      Quantity: 2,
      UnitPrice: 50,
    });
    expect(line.status).toBe(201);
    const updated = await h.d(`salesorder/SalesOrders(guid'${id}')`, '$select=AmountFCExclVat');
    expect(updated.AmountFCExclVat).toBe(200);
    const headers = results(
      await h.d(
        'sync/SalesOrder/SalesOrderHeaders',
        `$select=OrderID,AmountFCExclVat&$filter=OrderID eq guid'${id}'`,
      ),
    );
    expect(headers).toEqual([expect.objectContaining({ AmountFCExclVat: 200 })]);
    const legacy = results(
      await h.d(
        'sync/SalesOrder/SalesOrders',
        `$select=ID,OrderID,LineNumber&$filter=OrderID eq guid'${id}'`,
      ),
    );
    expect(legacy.map((r) => r.LineNumber)).toEqual([1, 2]);
  });
});

describe('webhook subscriptions', () => {
  const other = { ...caller, clientId: 'c2c2c2c2-0000-4000-8000-000000000002' };

  it('creates after the callback validates, lists per app, deletes, refuses PUT', async () => {
    const h = harness();
    const created = await h.send('POST', 'webhooks/WebhookSubscriptions', {
      CallbackURL: 'https://hooks.example.nl/exact',
      Topic: 'Accounts',
    });
    expect(created.status).toBe(201);
    const sub = d(created);
    expect(sub).toMatchObject({
      CallbackURL: 'https://hooks.example.nl/exact',
      Topic: 'Accounts',
      ClientID: caller.clientId,
      Division: 7,
    });
    expect(h.validated).toEqual(['https://hooks.example.nl/exact']);
    await h.send(
      'POST',
      'webhooks/WebhookSubscriptions',
      { CallbackURL: 'http://127.0.0.1:9999/hook', Topic: 'Items' },
      {},
      other,
    );
    const mine = results(await h.d('webhooks/WebhookSubscriptions'));
    expect(mine.map((r) => r.Topic)).toEqual(['Accounts']);
    expect(
      h.dp
        .webhookSubscriptions(7)
        .map((s) => s.topic)
        .sort(),
    ).toEqual(['Accounts', 'Items']);
    const put = await h.send('PUT', `webhooks/WebhookSubscriptions(guid'${sub.ID as string}')`, {
      Topic: 'Items',
    });
    expect(put.status).toBe(405);
    const notMine = await h.send(
      'DELETE',
      `webhooks/WebhookSubscriptions(guid'${sub.ID as string}')`,
      undefined,
      {},
      other,
    );
    expect(notMine.status).toBe(404);
    expect((await h.send('DELETE', `webhooks/WebhookSubscriptions(guid'${sub.ID as string}')`)).status).toBe(
      204,
    );
    expect(h.dp.webhookSubscriptions(7).map((s) => s.topic)).toEqual(['Items']);
  });

  it('refuses non-https callbacks (except loopback), unknown topics and rejected validations', async () => {
    const h = harness({
      rejectCallbacks: 'Invalid: Post to callback URL endpoint returns 500 Internal Server Error.',
    });
    const http = await h.send('POST', 'webhooks/WebhookSubscriptions', {
      CallbackURL: 'http://hooks.example.nl/x',
      Topic: 'Accounts',
    });
    expect(http.status).toBe(500);
    expect(errorMessage(http)).toContain('https');
    const topic = await h.send('POST', 'webhooks/WebhookSubscriptions', {
      CallbackURL: 'https://a.nl/x',
      Topic: 'Acounts',
    });
    expect(errorMessage(topic)).toContain("Invalid value: Topic 'Acounts'");
    const rejected = await h.send('POST', 'webhooks/WebhookSubscriptions', {
      CallbackURL: 'https://a.nl/x',
      Topic: 'Accounts',
    });
    expect(rejected.status).toBe(500);
    expect(errorMessage(rejected)).toBe(
      'Invalid: Post to callback URL endpoint returns 500 Internal Server Error.',
    );
    expect(h.dp.webhookSubscriptions(7)).toEqual([]);
  });
});

describe('mutate and reset', () => {
  it('creates, updates and deletes through the API write path', async () => {
    const h = harness();
    const before = Number((await h.get('crm/Accounts/$count')).body);
    const result = h.dp.mutate({ division: 7, entity: 'crm/Accounts', creates: 3, updates: 2, deletes: 1 });
    expect(result.created).toHaveLength(3);
    expect(result.updated).toHaveLength(2);
    expect(result.deleted).toHaveLength(1);
    expect(Number((await h.get('crm/Accounts/$count')).body)).toBe(before + 2);
    const created = await h.d(`crm/Accounts(guid'${result.created[0] as string}')`);
    expect(created.Name).toMatch(/\S+ \S+/);
    expect(created.Code).toMatch(/^ +\d+$/);
    const deleted = results(
      await h.d('sync/Deleted', '$select=EntityKey,EntityType&$filter=Timestamp gt 0L'),
    );
    expect(deleted).toEqual([expect.objectContaining({ EntityKey: result.deleted[0], EntityType: 2 })]);
    expect(h.events.map((e) => e.action)).toEqual([
      'Create',
      'Create',
      'Create',
      'Update',
      'Update',
      'Delete',
    ]);
    expect(h.events.every((e) => e.topic === 'Accounts' && e.endpoint.startsWith('http://127.0.0.1'))).toBe(
      true,
    );
  });

  it('mutates every entity kind, including transaction lines and invoices', () => {
    const h = harness();
    for (const entity of [
      'crm/Contacts',
      'crm/Addresses',
      'logistics/Items',
      'financial/GLAccounts',
      'salesinvoice/SalesInvoices',
      'salesorder/SalesOrders',
      'financialtransaction/TransactionLines',
    ]) {
      const result = h.dp.mutate({ division: 7, entity, creates: 2, updates: 2, deletes: 1 });
      expect(result.created, entity).toHaveLength(2);
      expect(result.updated, entity).toHaveLength(2);
      expect(result.deleted, entity).toHaveLength(1);
    }
    expect(() => h.dp.mutate({ division: 7, entity: 'sync/CRM/Accounts', creates: 1 })).toThrow(
      /Cannot mutate/,
    );
  });

  it('reset drops every division and subscription', async () => {
    const h = harness();
    await h.send('POST', 'webhooks/WebhookSubscriptions', { CallbackURL: 'https://a.nl/x', Topic: 'Items' });
    h.dp.reset();
    expect(h.dp.listDivisions()).toEqual([]);
    expect(h.dp.webhookSubscriptions(7)).toEqual([]);
    expect((await h.get('crm/Accounts')).status).toBe(404);
    h.dp.createDivision({ code: 7, description: 'Opnieuw' });
    expect((await h.get('crm/Accounts/$count')).body).toBe('25');
  });
});

describe('default volumes', () => {
  it('creates sane small divisions and honours DivisionSpec.volumes', async () => {
    const h = harness({
      volumes: { accounts: 3, contacts: 4, items: 2, salesInvoices: 1, transactionLines: 10 },
    });
    const counts: Record<string, string> = {};
    for (const path of [
      'crm/Accounts',
      'crm/Contacts',
      'logistics/Items',
      'salesinvoice/SalesInvoices',
      'financialtransaction/TransactionLines',
      'financial/GLAccounts',
      'salesorder/SalesOrders',
    ]) {
      counts[path] = String((await h.get(`${path}/$count`)).body);
    }
    expect(counts).toEqual({
      'crm/Accounts': '3',
      'crm/Contacts': '4',
      'logistics/Items': '2',
      'salesinvoice/SalesInvoices': '1',
      'financialtransaction/TransactionLines': '10',
      'financial/GLAccounts': '40',
      'salesorder/SalesOrders': '15',
    });
    expect(() => h.dp.createDivision({ code: 7, description: 'dup' })).toThrow(/already exists/);
    expect(() => h.dp.createDivision({ description: 'bad', volumes: { accounts: -1 } })).toThrow(
      /between 0 and/,
    );
    const rows: Rows = results(await h.d('system/AllDivisions', '$select=Code'));
    expect(rows.map((r) => r.Code)).toEqual([7, 8]);
  });
});
