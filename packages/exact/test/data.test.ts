import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  accounts,
  type DivisionClient,
  divisions,
  type ExactApiError,
  type ExactClient,
  ExactInputError,
  items,
  RAW,
  salesInvoiceLines,
  salesInvoiceSyncRows,
  salesInvoices,
  salesOrders,
  transactionLines,
  verifyWebhook,
  type WebhookNotification,
} from '../src/index.ts';
import { startTestSim, type TestSim } from './support/sim.ts';

let t: TestSim;
let exact: ExactClient;
let d: DivisionClient;
let division: number;

const volumes = {
  accounts: 150,
  contacts: 20,
  addresses: 20,
  items: 20,
  glAccounts: 30,
  salesInvoices: 10,
  salesOrders: 10,
  transactionLines: 2500,
};

beforeAll(async () => {
  t = await startTestSim({ defaultVolumes: volumes, rateLimits: { minutely: 100_000, daily: 1_000_000 } });
  division = t.sim.defaults.divisions[0] as number;
  exact = await t.connectedClient();
  d = exact.division(division);
});
afterAll(() => t.close());

async function callsTo(endpoint: string): Promise<number> {
  return (await t.stats()).api.byEndpoint[`GET ${endpoint}`] ?? 0;
}

describe('current user and divisions', () => {
  it('reads current/Me with typed values', async () => {
    const me = await exact.me();
    expect(me.UserID).toMatch(/^[0-9a-f-]{36}$/);
    expect(me.CurrentDivision).toBe(division);
    expect(typeof me.Legislation === 'bigint' || me.Legislation === null).toBe(true);
  });

  it('lists the divisions of the user and of the licence', async () => {
    const mine = await exact.divisions();
    expect(mine.map((row) => row.Code).sort()).toEqual([...t.sim.defaults.divisions].sort());
    expect(typeof mine[0]?.Code).toBe('number');
    // Hid is Edm.Int64, sent as a JSON string; typed rows carry a bigint.
    expect(typeof mine[0]?.Hid).toBe('bigint');
    expect(typeof mine[0]?.[RAW].Hid).toBe('string');
    const byKey = await d.get(divisions, division, { select: ['Code', 'Description'] });
    expect(byKey.Code).toBe(division);
    const all = await exact.divisions({ all: true, via: division });
    expect(all.length).toBeGreaterThanOrEqual(mine.length);
  });
});

describe('queries', () => {
  it('follows __next page by page (60 a page) and row by row', async () => {
    const before = await callsTo('crm/Accounts');
    const sizes: number[] = [];
    for await (const page of d.query(accounts).select('ID').pages()) sizes.push(page.rows.length);
    expect(sizes).toEqual([60, 60, 30]);
    expect((await callsTo('crm/Accounts')) - before).toBe(3);
    const ids = new Set<string>();
    for await (const row of d.query(accounts).select('ID').rows()) ids.add(row.ID ?? '');
    expect(ids.size).toBe(150);
  });

  it('caps the total with $top across pages', async () => {
    expect((await d.query(accounts).select('ID').top(100).all()).length).toBe(100);
  });

  it('returns only the selected fields, typed, with the raw record kept', async () => {
    const [row] = await d.query(accounts).select('ID', 'Code', 'Modified').top(1).all();
    expect(Object.keys(row ?? {}).sort()).toEqual(['Code', 'ID', 'Modified']);
    expect(row?.Modified).toBeInstanceOf(Date);
    expect(row?.[RAW].Code).toHaveLength(18);
    expect(row?.Code).toBe(String(row?.[RAW].Code).trim());
  });

  it('finds an account by its unpadded code and by a datetime filter', async () => {
    const sample = await d.query(accounts).select('ID', 'Code', 'Modified').first();
    const byCode = await d
      .query(accounts)
      .select('ID')
      .filter((f) => f.eq('Code', sample?.Code ?? ''))
      .all();
    expect(byCode.map((row) => row.ID)).toEqual([sample?.ID]);
    const modified = sample?.Modified as Date;
    const upTo = await d
      .query(accounts)
      .select('ID', 'Modified')
      .filter((f) => f.le('Modified', modified))
      .all();
    expect(upTo.some((row) => row.ID === sample?.ID)).toBe(true);
    expect(upTo.every((row) => (row.Modified as Date).getTime() <= modified.getTime())).toBe(true);
  });

  it('orders and counts', async () => {
    const query = d.query(items).select('ID', 'Code').orderBy('Code', 'desc').inlineCount();
    let count: number | undefined;
    const codes: string[] = [];
    for await (const page of query.pages()) {
      count = page.count;
      codes.push(...page.rows.map((row) => row.Code ?? ''));
    }
    expect(count).toBe(20);
    expect(codes).toEqual([...codes].sort().reverse());
  });

  it('counts with $count in one call, without Accept, honouring the filter and $top', async () => {
    const sent: { url: string; accept: string | null }[] = [];
    const counting = await t.connectedClient({
      fetch: (input, init) => {
        sent.push({ url: String(input), accept: new Headers(init?.headers).get('accept') });
        return fetch(input, init);
      },
    });
    const division = counting.division(d.division);
    const before = await callsTo('crm/Accounts/$count');
    expect(await division.query(accounts).count()).toBe(150);
    const sample = await d.query(accounts).select('ID', 'Code').first();
    const byCode = division.query(accounts).filter((f) => f.eq('Code', sample?.Code ?? ''));
    expect(await byCode.count()).toBe(1);
    expect(await division.query(accounts).top(7).count()).toBe(7);
    expect(await division.query(items).count()).toBe(20);
    expect((await callsTo('crm/Accounts/$count')) - before).toBe(3);
    const counts = sent.filter((request) => request.url.includes('/$count'));
    expect(counts).toHaveLength(4);
    expect(counts.map((request) => request.accept)).toEqual([null, null, null, null]);
    expect(new URL(counts[1]?.url ?? '').searchParams.get('$filter')).toMatch(/^Code eq ' +\d+'$/);
    expect(new URL(counts[0]?.url ?? '').search).toBe('');
  });

  it('refuses to count a bulk read, which has no $count', async () => {
    await expect(d.readAll(transactionLines).count()).rejects.toBeInstanceOf(ExactInputError);
  });

  it('reads everything through bulk/ in 1,000-row pages', async () => {
    const before = await callsTo('bulk/Financial/TransactionLines');
    const rows = await d.readAll(transactionLines).select('ID', 'AmountDC').all();
    expect(rows.length).toBe(2500);
    expect((await callsTo('bulk/Financial/TransactionLines')) - before).toBe(3);
  });
});

describe('writes', () => {
  it('creates with a filled-in answer, updates partially, deletes', async () => {
    const created = await d.create(accounts, { Name: 'Bakkerij de Vries', City: 'Utrecht', Country: 'NL' });
    expect(created.ID).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.Name).toBe('Bakkerij de Vries');
    expect(created.City).toBe('Utrecht');
    await d.update(accounts, created.ID as string, { City: 'Amersfoort' });
    const read = await d.get(accounts, created.ID as string);
    expect(read.City).toBe('Amersfoort');
    expect(read.Name).toBe('Bakkerij de Vries');
    await d.delete(accounts, created.ID as string);
    const error = await d.get(accounts, created.ID as string).catch((e: unknown) => e);
    expect((error as ExactApiError).code).toBe('not_found');
  });

  it('refuses read-only and unknown fields before sending', async () => {
    await expect(d.create(accounts, { Created: new Date() } as never)).rejects.toThrow(/read-only/);
    await expect(d.create(accounts, { Nope: 1 } as never)).rejects.toThrow(ExactInputError);
    await expect(d.update(transactionLines, '00000000-0000-4000-8000-000000000001', {})).rejects.toThrow(
      /does not support PUT/,
    );
  });

  it('deep-inserts a sales invoice with lines', async () => {
    const customer = await d.query(accounts).select('ID').first();
    const [first, second] = await d.query(items).select('ID').top(2).all();
    const invoice = await d.create(salesInvoices, {
      Type: 8020,
      Journal: '70',
      InvoiceTo: customer?.ID ?? null,
      OrderedBy: customer?.ID ?? null,
      Description: 'Deep insert',
      SalesInvoiceLines: [
        { Item: first?.ID ?? null, Quantity: 2, UnitPrice: 10 },
        { Item: second?.ID ?? null, Quantity: 1, UnitPrice: 5.5 },
      ],
    });
    const read = await d.get(salesInvoices, invoice.InvoiceID as string, { expand: ['SalesInvoiceLines'] });
    expect(read.SalesInvoiceLines?.map((line) => line.Quantity)).toEqual([2, 1]);
    expect(read.SalesInvoiceLines?.every((line) => line.InvoiceID === invoice.InvoiceID)).toBe(true);
  });

  it('deep-inserts a sales order with lines', async () => {
    const customer = await d.query(accounts).select('ID').first();
    const item = await d.query(items).select('ID').first();
    const order = await d.create(salesOrders, {
      OrderedBy: customer?.ID ?? null,
      Description: 'Deep order',
      SalesOrderLines: [{ Item: item?.ID ?? null, Quantity: 3, UnitPrice: 7 }],
    });
    const read = await d.get(salesOrders, order.OrderID as string, { expand: ['SalesOrderLines'] });
    expect(read.SalesOrderLines?.map((line) => line.Quantity)).toEqual([3]);
  });
});

describe('sync feeds', () => {
  it('yields 1,000-row pages with a cursor that resumes without gaps or repeats', async () => {
    const pages: { ids: string[]; cursor: string }[] = [];
    for await (const page of d.sync(transactionLines, { select: ['ID'] })) {
      pages.push({ ids: page.rows.map((row) => row.ID ?? ''), cursor: page.cursor });
    }
    expect(pages.map((page) => page.ids.length)).toEqual([1000, 1000, 500]);
    const cursors = pages.map((page) => BigInt(page.cursor));
    expect(cursors[0]! < cursors[1]! && cursors[1]! < cursors[2]!).toBe(true);
    const resumed: string[] = [];
    for await (const page of d.sync(transactionLines, { since: pages[0]?.cursor, select: ['ID'] })) {
      resumed.push(...page.rows.map((row) => row.ID ?? ''));
    }
    expect(resumed).toEqual([...(pages[1]?.ids ?? []), ...(pages[2]?.ids ?? [])]);
    const after: unknown[] = [];
    for await (const page of d.sync(transactionLines, { since: pages[2]?.cursor })) after.push(...page.rows);
    expect(after).toEqual([]);
  });

  it('picks up changes after the cursor and maps deletions to their entity', async () => {
    let cursor = '0';
    for await (const page of d.sync(accounts, { select: ['ID', 'Name'] })) cursor = page.cursor;
    let deletedCursor = '0';
    for await (const page of d.deleted()) deletedCursor = page.cursor;

    const changed = await t.control<{ created: string[]; updated: string[]; deleted: string[] }>(
      'POST',
      '/mutations',
      {
        division,
        entity: 'crm/Accounts',
        creates: 2,
        updates: 3,
        deletes: 1,
      },
    );
    const seen: string[] = [];
    for await (const page of d.sync(accounts, { since: cursor, select: ['ID', 'Name'] })) {
      seen.push(...page.rows.map((row) => row.ID ?? ''));
      expect(page.rows.every((row) => typeof row.Timestamp === 'bigint')).toBe(true);
    }
    expect(seen.sort()).toEqual([...changed.created, ...changed.updated].sort());

    const deletions = [];
    for await (const page of d.deleted({ since: deletedCursor, entities: [accounts] }))
      deletions.push(...page.rows);
    expect(deletions.map((row) => row.key)).toEqual(changed.deleted);
    expect(deletions[0]?.entity).toBe(accounts);
    expect(deletions[0]?.entityTypeName).toBe('Accounts');
    expect(deletions[0]?.entityType).toBe(2);
  });

  it('reads sync/SalesInvoice/SalesInvoices as one row per invoice line with the header repeated', async () => {
    const rows = [];
    for await (const page of d.sync(salesInvoiceSyncRows)) rows.push(...page.rows);
    const lines = await d.readAll(salesInvoiceLines).select('ID', 'InvoiceID', 'Quantity').all();
    expect(lines.length).toBeGreaterThan(10);
    expect(rows.map((row) => row.ID).sort()).toEqual(lines.map((line) => line.ID).sort());
    const headers = new Map(
      (await d.query(salesInvoices).select('InvoiceID', 'InvoiceNumber', 'Journal').all()).map((invoice) => [
        invoice.InvoiceID,
        invoice,
      ]),
    );
    expect(new Set(rows.map((row) => row.InvoiceID)).size).toBe(headers.size);
    for (const row of rows) {
      const line = lines.find((candidate) => candidate.ID === row.ID);
      expect(row.InvoiceID).toBe(line?.InvoiceID);
      expect(row.Quantity).toBe(line?.Quantity);
      expect(row.InvoiceNumber).toBe(headers.get(row.InvoiceID)?.InvoiceNumber);
      expect(row.Journal).toBe(headers.get(row.InvoiceID)?.Journal);
      expect(typeof row.Timestamp).toBe('bigint');
    }
  });

  it('refuses sync on an entity without a sync endpoint', () => {
    expect(() => d.sync(salesInvoices)).toThrow(/no sync endpoint/);
  });
});

describe('catalogue against exact-sim', () => {
  it('every catalogued endpoint accepts the default $select', async () => {
    const { entities } = await import('../src/index.ts');
    for (const entity of entities) {
      const query = d.query(entity).top(1);
      await expect(query.all(), entity.path).resolves.toBeDefined();
      if (entity.bulkPath)
        await expect(d.readAll(entity).top(1).all(), entity.bulkPath).resolves.toBeDefined();
      if (entity.syncPath) {
        const page = await d.sync(entity).next();
        expect(page.done === true || Array.isArray(page.value.rows), entity.syncPath).toBe(true);
      }
    }
  });
});

describe('webhooks', () => {
  let server: Server;
  let callbackUrl: string;
  const received: Buffer[] = [];
  let validations = 0;

  beforeAll(async () => {
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        if (body.length === 0) validations++;
        else received.push(body);
        res.writeHead(200).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    callbackUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}/exact/webhook`;
  });
  afterAll(() => new Promise((resolve) => server.close(resolve)));

  it('subscribes (answering the validation POST), receives signed notifications, unsubscribes', async () => {
    const subscription = await d.subscribe('Accounts', callbackUrl);
    expect(subscription.Topic).toBe('Accounts');
    expect(validations).toBe(1);
    expect((await d.subscribe('Accounts', callbackUrl)).ID).toBe(subscription.ID);

    const account = await d.create(accounts, { Name: 'Webhook BV' });
    const deadline = Date.now() + 10_000;
    let notification: WebhookNotification | undefined;
    while (notification === undefined && Date.now() < deadline) {
      for (const body of received) {
        const parsed = verifyWebhook(body, t.app.webhookSecret);
        if (parsed.key === account.ID) notification = parsed;
      }
      if (notification === undefined) await new Promise((resolve) => setTimeout(resolve, 25));
    }
    expect(notification).toMatchObject({ topic: 'Accounts', action: 'Create', division });
    const fetched = await exact
      .division(notification?.division as number)
      .get(accounts, notification?.key as string);
    expect(fetched.Name).toBe('Webhook BV');

    expect(await d.unsubscribe('Accounts')).toBe(1);
    expect((await d.subscriptions()).filter((s) => s.Topic === 'Accounts')).toEqual([]);
  });
});
