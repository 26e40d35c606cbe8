import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it, vi } from 'vitest';
import { endpoints } from '../../src/catalogue/endpoints.ts';
import type { EdmType, EntityDef, FieldDef } from '../../src/catalogue/types.ts';
import type { ApiResponse } from '../../src/contract.ts';
import type { DivisionStore } from '../../src/data/division-store.ts';
import type { Row } from '../../src/data/table.ts';
import { keyLiteral } from '../../src/odata/json-values.ts';
import { EntitySerializer, type ExpandedNav, fieldGetter } from '../../src/rest/serializer.ts';
import { harness } from './harness.ts';

// Bodies are built as objects written by one JSON.stringify. These tests hold them, byte for
// byte, to what the writer before that change produced (string concatenation of pre-escaped
// pieces, copied below as the reference), fed the same rows through the same serializers.

interface Made {
  args: ConstructorParameters<typeof EntitySerializer>;
  rows: Row[];
}

/** Every serializer made since the last `reset()`, in order: the last one wrote the top level. */
const made = vi.hoisted(() => [] as Made[]);
const madeBy = vi.hoisted(() => new WeakMap<object, Made>());

vi.mock('../../src/rest/serializer.ts', async (importOriginal) => {
  const actual = await importOriginal<typeof import('../../src/rest/serializer.ts')>();
  class Recording extends actual.EntitySerializer {
    private readonly record: Made;
    constructor(...args: ConstructorParameters<typeof actual.EntitySerializer>) {
      super(...args);
      this.record = { args, rows: [] };
      made.push(this.record);
      madeBy.set(this, this.record);
    }
    override object(row: Row): Record<string, unknown> {
      this.record.rows.push(row);
      return super.object(row);
    }
  }
  return { ...actual, EntitySerializer: Recording };
});

// ---- The reference: the concatenating writer and its encoders, as they were. ----

type ValueEncoder = (value: unknown) => string;
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters JSON must escape.
const PLAIN = /^[^"\\\u0000-\u001f\ud800-\udfff]*$/;
const oldString: ValueEncoder = (v) => {
  if (v == null) return 'null';
  const text = v as string;
  return PLAIN.test(text) ? `"${text}"` : JSON.stringify(text);
};

function encoderFor(type: EdmType): ValueEncoder {
  switch (type) {
    case 'Edm.Guid':
      return (v) => (v == null ? 'null' : `"${v as string}"`);
    case 'Edm.String':
    case 'Edm.Binary':
      return oldString;
    case 'Edm.Int64':
      return (v) => (v == null ? 'null' : `"${v as number}"`);
    case 'Edm.Boolean':
      return (v) => (v == null ? 'null' : v ? 'true' : 'false');
    case 'Edm.DateTime':
      return (v) => (v == null ? 'null' : `"/Date(${v as number})/"`);
    default:
      return (v) => (v == null ? 'null' : String(v));
  }
}

interface OldNav {
  serializer: OldSerializer;
  children: (parent: Row) => Iterable<Row>;
}

class OldSerializer {
  private readonly resourceUrl: string;
  private readonly uriPrefix: string;
  private readonly typeSuffix: string;
  private readonly keyGet: (row: Row) => unknown;
  private readonly keyType: EdmType;
  private readonly fields: {
    prefix: string;
    get: (row: Row) => unknown;
    encode: ValueEncoder;
    nav: { name: string; expanded: OldNav | null } | null;
  }[];

  constructor(
    entity: EntityDef,
    resourceUrl: string,
    selected: FieldDef[],
    store: DivisionStore | null,
    expanded: ReadonlyMap<string, OldNav>,
  ) {
    this.resourceUrl = resourceUrl;
    this.uriPrefix = `{"__metadata":{"uri":${JSON.stringify(resourceUrl).slice(0, -1)}(`;
    this.typeSuffix = `)","type":${JSON.stringify(entity.typeName)}}`;
    const keyField = entity.fields.find((f) => f.name === entity.key) as FieldDef;
    this.keyType = keyField.type as EdmType;
    this.keyGet = fieldGetter(keyField, store);
    this.fields = selected.map((field) => ({
      prefix: `,${JSON.stringify(field.name)}:`,
      get: fieldGetter(field, store),
      encode: field.type === 'nav' ? encoderFor('Edm.String') : encoderFor(field.type),
      nav: field.type === 'nav' ? { name: field.name, expanded: expanded.get(field.name) ?? null } : null,
    }));
  }

  write(row: Row): string {
    const key = keyLiteral(this.keyType, this.keyGet(row));
    let out = `${this.uriPrefix}${key}${this.typeSuffix}`;
    for (const field of this.fields) {
      if (field.nav) {
        out += field.prefix + this.writeNav(field.nav, row, key);
      } else {
        out += field.prefix + field.encode(field.get(row));
      }
    }
    return `${out}}`;
  }

  private writeNav(nav: { name: string; expanded: OldNav | null }, row: Row, key: string): string {
    if (!nav.expanded) {
      return `{"__deferred":{"uri":${JSON.stringify(`${this.resourceUrl}(${key})/${nav.name}`)}}}`;
    }
    const parts: string[] = [];
    for (const child of nav.expanded.children(row)) parts.push(nav.expanded.serializer.write(child));
    return `{"results":[${parts.join(',')}]}`;
  }
}

/** The reference writer made with the same arguments as a recorded serializer (children too). */
function referenceWriter(record: Made): OldSerializer {
  const [entity, resourceUrl, selected, store, expanded] = record.args;
  const navs = new Map<string, OldNav>();
  for (const [name, nav] of expanded as ReadonlyMap<string, ExpandedNav>) {
    navs.set(name, {
      serializer: referenceWriter(madeBy.get(nav.serializer) as Made),
      children: nav.children,
    });
  }
  return new OldSerializer(entity, resourceUrl, selected, store, navs);
}

/** The body the old code wrote for the rows the last request's serializer was given. */
function referenceBody(body: string): string {
  const top = made.at(-1);
  if (!top) throw new Error('The request wrote no rows through a serializer.');
  const old = referenceWriter(top);
  const parts = top.rows.map((row) => old.write(row));
  const d = (JSON.parse(body) as { d: unknown }).d;
  if (Array.isArray(d)) return `{"d":[${parts.join(',')}]}`;
  const envelope = d as { __count?: string; results?: unknown; __next?: string };
  if (envelope.results === undefined) return `{"d":${parts[0]}}`;
  let out = '{"d":{';
  if (envelope.__count !== undefined) out += `"__count":"${envelope.__count}",`;
  out += `"results":[${parts.join(',')}]`;
  if (envelope.__next !== undefined) out += `,"__next":${JSON.stringify(envelope.__next)}`;
  return `${out}}}`;
}

/** Runs the request, checks its body against the reference and returns it. */
async function sameBytes(request: () => Promise<ApiResponse>): Promise<string> {
  made.length = 0;
  const response = await request();
  const body = String(response.body);
  expect(response.status, body.slice(0, 300)).toBeLessThan(300);
  expect(body).toBe(referenceBody(body));
  return body;
}

const TYPICAL_LINE_FIELDS =
  'Timestamp,ID,EntryID,EntryNumber,LineNumber,Date,FinancialYear,FinancialPeriod,JournalCode,GLAccount,' +
  'GLAccountCode,Account,AccountName,AmountDC,VATCode,Description,Modified';

/** The query string of an absolute `__next` link. */
function nextQuery(body: string): string | null {
  const next = (JSON.parse(body) as { d: { __next?: string } }).d.__next;
  return next === undefined ? null : new URL(next).search.slice(1);
}

function keyOfFirst(body: string, key: string): string {
  const d = (JSON.parse(body) as { d: Record<string, unknown>[] | { results: Record<string, unknown>[] } }).d;
  const rows = Array.isArray(d) ? d : d.results;
  return rows[0]?.[key] as string;
}

/** The reads of the generic-builder check, run in this process and in one without code generation. */
const READS: [resource: string, query: string][] = [
  ['sync/Financial/TransactionLines', `$select=${TYPICAL_LINE_FIELDS}&$filter=Timestamp gt 0L`],
  ['salesinvoice/SalesInvoices', '$expand=SalesInvoiceLines&$inlinecount=allpages'],
  ['crm/Accounts', '$top=5'],
  ['crm/Accounts', '$select=ID,Name,BankAccounts&$orderby=Name'],
];

describe('response bodies are byte for byte what the concatenating writer wrote', () => {
  const h = harness({ volumes: { transactionLines: 2500, accounts: 150 } });

  it('a sync page with $select (lookups, Int64, DateTime) and the pages after it', async () => {
    let query: string | null = `$select=${TYPICAL_LINE_FIELDS}&$filter=Timestamp gt 0L`;
    let pages = 0;
    while (query !== null) {
      const body = await sameBytes(() => h.get('sync/Financial/TransactionLines', query as string));
      query = nextQuery(body);
      pages++;
    }
    expect(pages).toBe(3);
  });

  it('a standard collection with an expanded collection, deferred links, $inlinecount and __next', async () => {
    await sameBytes(() => h.get('salesinvoice/SalesInvoices', '$expand=SalesInvoiceLines'));
    await sameBytes(() =>
      h.get(
        'salesinvoice/SalesInvoices',
        '$expand=SalesInvoiceLines&$select=InvoiceID,InvoiceToName,SalesInvoiceLines/Description,SalesInvoiceLines/AmountDC',
      ),
    );
    const first = await sameBytes(() =>
      h.get('crm/Accounts', '$select=ID,Name,Blocked,StartDate,BankAccounts&$inlinecount=allpages'),
    );
    expect(first).toContain('"__count":"150"');
    expect(first).toContain('"__next":');
    // Ordered paging: the skiptoken carries names (quotes are doubled in it).
    let query: string | null = '$select=ID,Name,BankAccounts&$orderby=Name desc&$inlinecount=allpages';
    while (query !== null) {
      const body = await sameBytes(() => h.get('crm/Accounts', query as string));
      query = nextQuery(body);
    }
  });

  it('a small $top (the bare array), a single entity, an expanded one and a navigation read', async () => {
    const bare = await sameBytes(() => h.get('crm/Accounts', '$top=3'));
    expect(bare.startsWith('{"d":[{')).toBe(true);
    const account = keyOfFirst(bare, 'ID');
    await sameBytes(() => h.get(`crm/Accounts(guid'${account}')`));
    await sameBytes(() => h.get(`crm/Accounts(guid'${account}')`, '$select=Name,IsSupplier,Modified'));
    const invoices = await sameBytes(() => h.get('salesinvoice/SalesInvoices', '$top=1&$select=InvoiceID'));
    const invoice = keyOfFirst(invoices, 'InvoiceID');
    await sameBytes(() => h.get(`salesinvoice/SalesInvoices(guid'${invoice}')`, '$expand=SalesInvoiceLines'));
    await sameBytes(() => h.get(`salesinvoice/SalesInvoices(guid'${invoice}')/SalesInvoiceLines`));
    await sameBytes(() => h.get('current/Me', '', null));
    await sameBytes(() => h.get('system/Divisions', '$select=Code,Description,Current'));
  });

  it('text with quotes, backslashes, control characters, unicode and lone surrogates; nulls; booleans', async () => {
    const name = 'Quote " back\\slash \t tab \n nl \u0000 nul \u001f us é € 😀 lone \ud800 \udc00 \u2028 end';
    const created = await sameBytes(() =>
      h.send(
        'POST',
        'crm/Accounts',
        {
          Name: name,
          City: '"Den Haag"\\',
          Remarks: null,
          Blocked: true,
          StartDate: '/Date(1700000000000)/',
        },
        { prefer: 'return=representation' },
      ),
    );
    const id = (JSON.parse(created) as { d: { ID: string; Name: string } }).d;
    expect(id.Name).toBe(name);
    await sameBytes(() => h.send('POST', 'crm/Accounts', { Name: 'Alleen de sleutel' }));
    await sameBytes(() => h.get(`crm/Accounts(guid'${id.ID}')`));
    await sameBytes(() => h.get('crm/Accounts', `$filter=ID eq guid'${id.ID}'`));
    let query: string | null =
      '$select=Timestamp,ID,Name,City,Remarks,Blocked,StartDate&$filter=Timestamp gt 0L';
    let last = '';
    while (query !== null) {
      last = await sameBytes(() => h.get('sync/CRM/Accounts', query as string));
      query = nextQuery(last);
    }
    expect(last).toContain('lone \\ud800 \\udc00');
    await sameBytes(() =>
      h.send('POST', 'webhooks/WebhookSubscriptions', {
        CallbackURL: 'https://a.nl/h?q="x"',
        Topic: 'Items',
      }),
    );
    await sameBytes(() => h.get('webhooks/WebhookSubscriptions'));
  });

  it('every catalogued endpoint with all its fields', async () => {
    for (const endpoint of endpoints.filter((e) => e.methods.includes('GET'))) {
      const select = endpoint.entity.fields.map((f) => f.name).join(',');
      const query =
        endpoint.kind === 'sync' ? `$select=${select}&$filter=Timestamp gt 0L` : `$select=${select}`;
      const division = endpoint.path === 'current/Me' ? null : 7;
      await sameBytes(() => h.get(endpoint.path, query, division));
    }
  });

  it('more distinct $select lists than are compiled per entity (the rest use the generic builder)', async () => {
    const names = endpoints.find((e) => e.path === 'crm/Accounts')?.entity.fields.map((f) => f.name) ?? [];
    for (let i = 0; i < 80; i++) {
      const select = names.filter((_name, n) => (n * 7 + i) % 5 !== 0 && n !== i % names.length);
      await sameBytes(() => h.get('crm/Accounts', `$select=${select.join(',')}&$top=2`));
    }
  });
});

describe('the generic builder', () => {
  it('writes the same bytes where code generation is disabled', async () => {
    const here: string[] = [];
    const h = harness();
    for (const [resource, query] of READS) here.push(await sameBytes(() => h.get(resource, query)));
    const harnessModule = new URL('./harness.ts', import.meta.url).pathname;
    const script = `
      const { harness } = await import(${JSON.stringify(harnessModule)});
      const h = harness();
      const bodies = [];
      for (const [resource, query] of ${JSON.stringify(READS)}) bodies.push(String((await h.get(resource, query)).body));
      process.stdout.write(JSON.stringify(bodies));`;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--disallow-code-generation-from-strings', '--input-type=module', '--eval', script],
      { maxBuffer: 64 * 1024 * 1024 },
    );
    expect(JSON.parse(stdout)).toEqual(here);
  });

  it('writes a property named __proto__ as a property, in its place', () => {
    const entity: EntityDef = {
      name: 'Odd',
      typeName: 'Exact.Web.Api.Models.Odd',
      key: 'ID',
      fields: [
        { name: 'ID', type: 'Edm.Guid' },
        { name: '__proto__', type: 'Edm.String' },
        { name: 'Amount', type: 'Edm.Double' },
      ],
    };
    const row = JSON.parse(
      '{"ID":"0f0e0d0c-0b0a-4908-8706-050403020100","__proto__":"x\\"y","Amount":-0}',
    ) as Row;
    const url = 'http://127.0.0.1:5080/api/v1/7/odd/Odds';
    const written = JSON.stringify(
      new EntitySerializer(entity, url, entity.fields, null, new Map()).object(row),
    );
    expect(written).toBe(new OldSerializer(entity, url, entity.fields, null, new Map()).write(row));
    expect(Object.keys(JSON.parse(written) as object)).toEqual(['__metadata', 'ID', '__proto__', 'Amount']);
  });

  it('refuses names an object cannot keep in place (array indices, __metadata)', () => {
    for (const name of ['7', '__metadata']) {
      const entity: EntityDef = {
        name: 'Odd',
        typeName: 'Exact.Web.Api.Models.Odd',
        key: 'ID',
        fields: [
          { name: 'ID', type: 'Edm.Guid' },
          { name, type: 'Edm.Int32' },
        ],
      };
      expect(() => new EntitySerializer(entity, 'http://h/x', entity.fields, null, new Map())).toThrow(
        /cannot be written in its place/,
      );
    }
  });
});

describe('values at the edges of each type', () => {
  it('match the old encoders', () => {
    const types: EdmType[] = [
      'Edm.Guid',
      'Edm.String',
      'Edm.Binary',
      'Edm.Byte',
      'Edm.Int16',
      'Edm.Int32',
      'Edm.Int64',
      'Edm.Double',
      'Edm.Boolean',
      'Edm.DateTime',
    ];
    const entity: EntityDef = {
      name: 'Values',
      typeName: 'Exact.Web.Api.Models.Values',
      key: 'Code',
      fields: [{ name: 'Code', type: 'Edm.Int64' }, ...types.map((type) => ({ name: type.slice(4), type }))],
    };
    const rows: Row[] = [
      { Code: 1 },
      { Code: 2, Guid: null, String: null, Double: null, Boolean: null, DateTime: null, Int64: null },
      { Code: 3, String: '', Byte: 0, Int16: -32768, Int32: 2147483647, Int64: 9007199254740991, Double: -0 },
      { Code: 4, String: 'ÿ\u007f\u0080\ufeff', Double: 1e21, Boolean: false, DateTime: -62135596800000 },
      { Code: 5, Double: 0.1 + 0.2, Boolean: true, DateTime: 0, Binary: 'AAEC/w==' },
      { Code: 6, Double: 5e-7, Int32: -1, Int64: -9007199254740991, String: '\\u0041 \b\f\r\v' },
      { Code: 7, String: 12.5, Double: 123456789.125 },
    ];
    const url = 'http://127.0.0.1:5080/api/v1/7/values/Values';
    const serializer = new EntitySerializer(entity, url, entity.fields, null, new Map());
    const old = new OldSerializer(entity, url, entity.fields, null, new Map());
    for (const row of rows) expect(JSON.stringify(serializer.object(row))).toBe(old.write(row));
  });
});
