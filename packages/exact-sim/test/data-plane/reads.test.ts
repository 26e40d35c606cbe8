import { describe, expect, it } from 'vitest';
import { tableEntities } from '../../src/catalogue/endpoints.ts';

const account = tableEntities.Account;

import { BASE, caller, errorMessage, harness, json, type Rows, results } from './harness.ts';

describe('standard reads', () => {
  const h = harness();

  it('wraps collections in d.results with __metadata {uri,type} and lower-case GUIDs', async () => {
    const d = await h.d('crm/Accounts', '$top=5');
    const rows = results(d);
    expect(rows).toHaveLength(5);
    const first = rows[0] as Record<string, unknown>;
    const id = first.ID as string;
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(first.__metadata).toEqual({
      uri: `${BASE}/api/v1/7/crm/Accounts(guid'${id}')`,
      type: 'Exact.Web.Api.Models.Account',
    });
    expect(first.BankAccounts).toEqual({
      __deferred: { uri: `${BASE}/api/v1/7/crm/Accounts(guid'${id}')/BankAccounts` },
    });
    expect(d.__next).toBeUndefined();
  });

  it('writes every catalogue field in catalogue order, whatever the $select order', async () => {
    const all = results(await h.d('crm/Accounts', '$top=1'))[0] as Record<string, unknown>;
    expect(Object.keys(all)).toEqual(['__metadata', ...account.fields.map((f) => f.name)]);
    const some = results(await h.d('crm/Accounts', '$select=Name,ID,Code&$top=1'))[0] as Record<
      string,
      unknown
    >;
    expect(Object.keys(some)).toEqual(['__metadata', 'ID', 'Code', 'Name']);
  });

  it('pads fixed-width columns and encodes values the way Exact does', async () => {
    const rows = results(
      await h.d(
        'crm/Accounts',
        '$select=Code,Country,Language,StartDate,Created,VATNumber,Postcode,ChamberOfCommerce,Phone',
      ),
    );
    for (const row of rows) {
      expect(row.Code).toMatch(/^ +\d+$/);
      expect((row.Code as string).length).toBe(18);
      expect(row.Country).toBe('NL ');
      expect(row.Language).toBe('NL        ');
      expect(row.StartDate).toMatch(/^\/Date\(\d+\)\/$/);
      const start = Number(/\d+/.exec(row.StartDate as string)?.[0]);
      expect(start % 86_400_000).toBe(0);
      expect(row.VATNumber).toMatch(/^NL\d{9}B0\d$/);
      expect(row.Postcode).toMatch(/^\d{4} [A-Z]{2}$/);
      expect(row.ChamberOfCommerce).toMatch(/^\d{8}$/);
      expect(typeof row.Phone).toBe('string');
    }
    const items = results(await h.d('logistics/Items', '$select=Unit,SalesVatCode'));
    for (const item of items) {
      expect((item.Unit as string).length).toBe(8);
      expect((item.SalesVatCode as string).length).toBe(3);
    }
  });

  it('resolves derived fields from the referenced record', async () => {
    const contact = results(
      await h.d('crm/Contacts', '$select=Account,AccountName,Code,FullName,FirstName,LastName&$top=1'),
    )[0] as Record<string, unknown>;
    const acc = await h.d(`crm/Accounts(guid'${contact.Account as string}')`, '$select=Name,Code');
    expect(contact.AccountName).toBe(acc.Name);
    expect(contact.Code).toBe(acc.Code);
    expect(contact.FullName).toContain(contact.FirstName as string);
  });

  it('returns a single record as {"d":{…}} and 404 for an unknown key', async () => {
    const [row] = results(await h.d('crm/Accounts', '$select=ID&$top=1')) as Rows;
    const id = (row as Record<string, unknown>).ID as string;
    const single = await h.d(`crm/Accounts(guid'${id}')`);
    expect(single.ID).toBe(id);
    expect(single.results).toBeUndefined();
    const missing = await h.get("crm/Accounts(guid'00000000-0000-4000-8000-000000000000')");
    expect(missing.status).toBe(404);
    expect(json(missing)).toEqual({
      error: { code: '', message: { lang: '', value: expect.stringContaining('Resource not found') } },
    });
    const bad = await h.get("crm/Accounts('abc')");
    expect(bad.status).toBe(400);
  });

  it('answers an unknown endpoint with 404 and a wrong method with 405', async () => {
    expect((await h.get('crm/Acounts')).status).toBe(404);
    const put = await h.send(
      'PUT',
      "financialtransaction/TransactionLines(guid'00000000-0000-4000-8000-000000000000')",
      {},
    );
    expect(put.status).toBe(405);
    expect((await h.send('POST', 'sync/CRM/Accounts', {})).status).toBe(405);
    expect((await h.send('DELETE', 'crm/Accounts', undefined)).status).toBe(405);
  });

  it('refuses an unknown $select field with an Exact-style 400', async () => {
    const response = await h.get('crm/Accounts', '$select=ID,Nmae');
    expect(response.status).toBe(400);
    expect(errorMessage(response)).toBe(
      "No property 'Nmae' exists in type 'Exact.Web.Api.Models.Account' at position 3.",
    );
    const filter = await h.get('crm/Accounts', "$filter=Foo eq 'x'");
    expect(filter.status).toBe(400);
    const syntax = await h.get('crm/Accounts', "$filter=Name eq 'x' and");
    expect(errorMessage(syntax)).toBe('Bad Request - Error in query syntax.');
  });

  it('filters with $filter (padded account codes, trim, substringof)', async () => {
    const padded = results(
      await h.d('crm/Accounts', `$filter=Code eq '${'3'.padStart(18, ' ')}'&$select=Code`),
    );
    expect(padded).toHaveLength(1);
    const trimmed = results(await h.d('crm/Accounts', "$filter=trim(Code) eq '3'&$select=Code"));
    expect(trimmed).toEqual(padded);
    const bv = results(await h.d('crm/Accounts', "$filter=substringof('B.V.', Name) eq true&$select=Name"));
    expect(bv.length).toBeGreaterThan(0);
    for (const row of bv) expect(row.Name).toContain('B.V.');
  });

  it('counts with /$count as plain text and $inlinecount=allpages as d.__count', async () => {
    const count = await h.get('crm/Accounts/$count');
    expect(count.status).toBe(200);
    expect(count.headers['content-type']).toMatch(/^text\/plain/);
    expect(count.body).toBe('25');
    const filtered = await h.get('crm/Accounts/$count', "$filter=Status eq 'C'");
    expect(Number(filtered.body)).toBeLessThan(25);
    const d = await h.d('crm/Accounts', '$inlinecount=allpages&$top=2&$select=ID');
    expect(d.__count).toBe('25');
    expect(results(d)).toHaveLength(2);
  });

  it('orders with $orderby (several keys, asc/desc)', async () => {
    const rows = results(
      await h.d('logistics/Items', '$orderby=SearchCode asc,Code desc&$select=Code,SearchCode'),
    );
    const keys = rows.map((r) => [String(r.SearchCode).toLowerCase(), String(r.Code)]);
    for (let i = 1; i < keys.length; i++) {
      const [a, ac] = keys[i - 1] as string[];
      const [b, bc] = keys[i] as string[];
      expect((a as string) < (b as string) || (a === b && (ac as string) >= (bc as string))).toBe(true);
    }
  });

  it('expands invoice lines with $expand and keeps them deferred otherwise', async () => {
    const invoice = results(await h.d('salesinvoice/SalesInvoices', '$top=1'))[0] as Record<string, unknown>;
    const id = invoice.InvoiceID as string;
    expect(invoice.SalesInvoiceLines).toEqual({
      __deferred: { uri: `${BASE}/api/v1/7/salesinvoice/SalesInvoices(guid'${id}')/SalesInvoiceLines` },
    });
    const expanded = await h.d(`salesinvoice/SalesInvoices(guid'${id}')`, '$expand=SalesInvoiceLines');
    const lines = (expanded.SalesInvoiceLines as { results: Rows }).results;
    expect(lines.length).toBeGreaterThan(0);
    let net = 0;
    for (const line of lines) {
      expect(line.InvoiceID).toBe(id);
      expect((line.__metadata as { type: string }).type).toBe('Exact.Web.Api.Models.SalesInvoiceLine');
      net += line.AmountFC as number;
    }
    expect(expanded.AmountFCExclVat).toBeCloseTo(net, 2);
    const selected = await h.d(
      `salesinvoice/SalesInvoices(guid'${id}')`,
      '$expand=SalesInvoiceLines&$select=InvoiceNumber,SalesInvoiceLines/ItemCode',
    );
    const line = (selected.SalesInvoiceLines as { results: Rows }).results[0] as Record<string, unknown>;
    expect(Object.keys(line)).toEqual(['__metadata', 'ItemCode']);
    const viaNav = results(
      await h.d(`salesinvoice/SalesInvoices(guid'${id}')/SalesInvoiceLines`, '$select=ID'),
    );
    expect(viaNav).toHaveLength(lines.length);
  });

  it('keeps relations coherent: invoice lines point at existing items and G/L accounts', async () => {
    const lines = results(await h.d('salesinvoice/SalesInvoiceLines', '$select=Item,GLAccount,ItemCode'));
    const items = new Set(results(await h.d('logistics/Items', '$select=ID')).map((r) => r.ID));
    const gl = new Set(results(await h.d('financial/GLAccounts', '$select=ID')).map((r) => r.ID));
    for (const line of lines) {
      expect(items.has(line.Item)).toBe(true);
      expect(gl.has(line.GLAccount)).toBe(true);
      expect(line.ItemCode).not.toBeNull();
    }
  });

  it('generates balanced journal entries sharing an EntryID', async () => {
    const d = await h.d(
      'financialtransaction/TransactionLines',
      '$select=EntryID,AmountDC,LineNumber,GLAccountCode&$top=60',
    );
    const sums = new Map<string, number>();
    for (const row of results(d)) {
      sums.set(row.EntryID as string, (sums.get(row.EntryID as string) ?? 0) + (row.AmountDC as number));
    }
    const all = await h.d('sync/Financial/TransactionLines', '$select=EntryID,AmountDC&$top=500');
    const totals = new Map<string, number>();
    for (const row of results(all))
      totals.set(row.EntryID as string, (totals.get(row.EntryID as string) ?? 0) + (row.AmountDC as number));
    const complete = [...totals.values()].slice(0, -1);
    for (const total of complete) expect(Math.abs(total)).toBeLessThan(0.005);
  });

  it('is deterministic for a seed', async () => {
    const again = harness();
    const a = await h.get('crm/Contacts', '$select=ID,FullName,Phone,Email');
    const b = await again.get('crm/Contacts', '$select=ID,FullName,Phone,Email');
    expect(String(a.body)).toBe(String(b.body));
  });
});

describe('current/Me and divisions', () => {
  const h = harness();

  it('answers current/Me (no division) as a one-row collection built from the caller', async () => {
    const d = await h.d('current/Me', '', null);
    const rows = results(d);
    expect(rows).toHaveLength(1);
    const me = rows[0] as Record<string, unknown>;
    expect(me.__metadata).toEqual({
      uri: `${BASE}/api/v1/current/Me(guid'${caller.userId}')`,
      type: 'Exact.Web.Api.Models.System.Me',
    });
    expect(me.UserID).toBe(caller.userId);
    expect(me.CurrentDivision).toBe(7);
    expect(me.FullName).toBe('Jan de Vries');
    expect(me.Email).toBe(caller.email);
    expect(me.UserName).toBe(caller.username);
    expect(me.Legislation).toBe('1');
    expect(me.ServerTime).toBe('2026-06-25T16:21:03');
    expect(me.ServerUtcOffset).toBe(7200);
    const selected = results(await h.d('current/Me', '$select=CurrentDivision', null))[0] as Record<
      string,
      unknown
    >;
    expect(Object.keys(selected)).toEqual(['__metadata', 'CurrentDivision']);
  });

  it("lists the caller's divisions with Current, Hid as a string and padded Legislation", async () => {
    const rows = results(await h.d('system/Divisions'));
    expect(rows.map((r) => r.Code)).toEqual([7, 8]);
    const seven = rows[0] as Record<string, unknown>;
    expect(seven.__metadata).toEqual({
      uri: `${BASE}/api/v1/7/system/Divisions(7)`,
      type: 'Exact.Web.Api.Models.System.Division',
    });
    expect(seven.Current).toBe(true);
    expect(rows[1]?.Current).toBe(false);
    expect(seven.Hid).toBe('1');
    expect(seven.Description).toBe('Bakkerij De Vries B.V.');
    expect(seven.Legislation).toBe('NL ');
    expect(seven.Currency).toBe('EUR');
    expect(seven.Status).toBe(1);
    expect(seven.BlockingStatus).toBe(0);
    expect((await h.d('system/Divisions(8)')).Code).toBe(8);
  });

  it('lists every division on the licence in system/AllDivisions', async () => {
    h.dp.createDivision({ code: 9, description: 'Other licence', volumes: { transactionLines: 0 } });
    const all = results(await h.d('system/AllDivisions')).map((r) => r.Code);
    expect(all).toEqual([7, 8, 9]);
    const mine = results(await h.d('system/Divisions')).map((r) => r.Code);
    expect(mine).toEqual([7, 8]);
  });
});

describe('optional envelope behaviour', () => {
  it('answers a standard read with $top up to the page size as a bare {"d":[…]}, as Exact does', async () => {
    const h = harness();
    const body = json(await h.get('crm/Accounts', '$top=2&$select=ID')) as { d: unknown };
    expect(Array.isArray(body.d)).toBe(true);
    expect((body.d as unknown[]).length).toBe(2);
    const atPageSize = json(await h.get('crm/Accounts', '$top=60&$select=ID')) as { d: unknown };
    expect(Array.isArray(atPageSize.d)).toBe(true);
    const big = json(await h.get('crm/Accounts', '$top=100&$select=ID')) as { d: { results: unknown[] } };
    expect(Array.isArray(big.d.results)).toBe(true);
    const noTop = json(await h.get('crm/Accounts', '$select=ID')) as { d: { results: unknown[] } };
    expect(Array.isArray(noTop.d.results)).toBe(true);
    const counted = json(await h.get('crm/Accounts', '$top=2&$select=ID&$inlinecount=allpages')) as {
      d: { results: unknown[]; __count: string };
    };
    expect(counted.d.results).toHaveLength(2);
    const sync = json(await h.get('sync/CRM/Accounts', '$top=5&$select=ID&$filter=Timestamp gt 0L')) as {
      d: { results: unknown[] };
    };
    expect(sync.d.results).toHaveLength(5);
    const bulk = json(await h.get('bulk/CRM/Accounts', '$top=5&$select=ID')) as { d: { results: unknown[] } };
    expect(bulk.d.results).toHaveLength(5);
    const empty = json(await h.get('crm/Accounts', "$top=1&$filter=Name eq 'nobody here'")) as { d: unknown };
    expect(empty.d).toEqual([]);
  });

  it('serves salesorder/SalesOrderLines with rows that belong to existing orders', async () => {
    const h = harness();
    const lines = results(await h.d('salesorder/SalesOrderLines', '$select=ID,OrderID,LineNumber'));
    expect(lines.length).toBeGreaterThan(15);
    const orders = new Set(
      results(await h.d('salesorder/SalesOrders', '$select=OrderID')).map((row) => row.OrderID),
    );
    for (const line of lines) expect(orders.has(line.OrderID)).toBe(true);
  });

  it('finds by key with $filter=ID eq guid and $top=1 as {"d":[record]} (picqer find())', async () => {
    const h = harness();
    const [first] = results(await h.d('crm/Accounts', '$select=ID,Name&$top=3'));
    const id = (first as Record<string, unknown>).ID as string;
    const body = json(await h.get('crm/Accounts', `$filter=ID eq guid'${id}'&$top=1`)) as {
      d: Record<string, unknown>[];
    };
    expect(Array.isArray(body.d)).toBe(true);
    expect(body.d).toHaveLength(1);
    expect(body.d[0]?.ID).toBe(id);
    expect(body.d[0]?.Name).toBe((first as Record<string, unknown>).Name);
    expect(body.d[0]?.__metadata).toEqual({
      uri: `${BASE}/api/v1/7/crm/Accounts(guid'${id}')`,
      type: 'Exact.Web.Api.Models.Account',
    });
  });

  it('keeps {"d":{"results":[…]}} for a small $top when bareArrayForSmallTop is off', async () => {
    const h = harness({ behaviour: { bareArrayForSmallTop: false } });
    const body = json(await h.get('crm/Accounts', '$top=2&$select=ID')) as { d: { results: unknown[] } };
    expect(body.d.results).toHaveLength(2);
  });

  it('refuses unfiltered reads of endpoints with a sync twin when mandatoryFiltering is on', async () => {
    const on = harness({ behaviour: { mandatoryFiltering: true } });
    const refused = await on.get('crm/Accounts', '$select=ID');
    expect(refused.status).toBe(400);
    expect(errorMessage(refused)).toMatch(/^Mandatory filtering: add a \$filter .*sync\/CRM\/Accounts/);
    const bulk = await on.get('bulk/Financial/TransactionLines', '$select=ID');
    expect(bulk.status).toBe(400);
    expect(errorMessage(bulk)).toContain('sync/Financial/TransactionLines');
    expect((await on.get('crm/Accounts', "$select=ID&$filter=Name ne ''")).status).toBe(200);
    // No sync twin: no filter needed.
    expect((await on.get('system/Divisions', '$select=Code')).status).toBe(200);
    expect((await on.get('webhooks/WebhookSubscriptions', '$select=ID')).status).toBe(200);
    // Sync endpoints themselves keep their own rules.
    expect((await on.get('sync/CRM/Accounts', '$select=ID')).status).toBe(200);
    const off = harness();
    expect((await off.get('crm/Accounts', '$select=ID')).status).toBe(200);
  });

  it('requires $select on standard endpoints when requireSelectOnStandard is on', async () => {
    const h = harness({ behaviour: { requireSelectOnStandard: true } });
    const response = await h.get('crm/Accounts');
    expect(response.status).toBe(400);
    expect(errorMessage(response)).toBe('Please add a $select or a $top=1 statement to the query string.');
    expect((await h.get('crm/Accounts', '$top=1')).status).toBe(200);
  });
});
