import { describe, expect, it } from 'vitest';
import { caller, harness } from './harness.ts';

describe('bad requests', () => {
  it('always get an Exact-style answer, never an exception (seeded fuzz)', async () => {
    const h = harness({ volumes: { transactionLines: 100 } });
    const resources = [
      'crm/Accounts',
      "crm/Accounts(guid'00000000-0000-4000-8000-000000000000')",
      'crm/Accounts(12)',
      'crm/Accounts(',
      'crm/Accounts/$count',
      'sync/CRM/Accounts',
      'sync/Deleted',
      'bulk/Financial/TransactionLines',
      'salesinvoice/SalesInvoices',
      "salesinvoice/SalesInvoices(guid'00000000-0000-4000-8000-000000000000')/SalesInvoiceLines",
      'system/Divisions(abc)',
      'webhooks/WebhookSubscriptions',
      'nope/Nothing',
      '',
    ];
    const queries = [
      '',
      '$top=x',
      '$skip=3',
      '$select=',
      '$select=*',
      '$select=ID,Nope',
      '$filter=',
      "$filter=Name eq 'a",
      '$filter=Timestamp gt 0L',
      '$orderby=Nope desc',
      '$orderby=Name sideways',
      '$expand=Nope',
      '$skiptoken=garbage',
      "$skiptoken=guid'zz'",
      '$inlinecount=some',
      '$bogus=1',
      '%E0%A4%A',
      '$select=SalesInvoiceLines/ItemCode',
    ];
    const bodies = [
      '',
      '{',
      '[]',
      'null',
      '{"Name":5}',
      '{"SalesInvoiceLines":7}',
      '{"OrderedBy":"x"}',
      '{"Topic":"Accounts"}',
    ];
    const methods = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH'];
    let state = 777;
    const pick = <T>(list: T[]): T => {
      state = (Math.imul(state, 1103515245) + 12345) >>> 0;
      return list[state % list.length] as T;
    };
    for (let n = 0; n < 600; n++) {
      const response = await h.dp.handle({
        method: pick(methods),
        division: 7,
        resource: pick(resources),
        rawQuery: `${pick(queries)}&${pick(queries)}`,
        headers: {},
        body: Buffer.from(pick(bodies)),
        baseUrl: 'http://127.0.0.1:1',
        caller,
      });
      expect(response.status).toBeGreaterThanOrEqual(200);
      if (response.status >= 400) {
        const body = JSON.parse(String(response.body)) as { error: { message: { value: string } } };
        expect(body.error.message.value.length).toBeGreaterThan(0);
      }
    }
  });
});
