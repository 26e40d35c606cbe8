// The generated catalogue stays what `npm run generate:catalogue` makes of the metadata and
// the hand-written layer: the committed files are current, and the layer survives.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildModel, type Metadata } from '../scripts/catalogue/catalogue-model.ts';
import { accounts, contacts, salesOrders, transactionLines } from '../src/index.ts';

const run = promisify(execFile);
const generator = new URL('../scripts/catalogue/generate-catalogue.ts', import.meta.url).pathname;
const metadataPath = new URL('../../../../shared/exact-metadata/endpoints.json', import.meta.url).pathname;

let dir: string;
let metadata: Metadata;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'koppel-catalogue-'));
  metadata = JSON.parse(await readFile(metadataPath, 'utf8')) as Metadata;
});
afterAll(() => rm(dir, { recursive: true, force: true }));

describe('npm run generate:catalogue', () => {
  it('reports the committed files current, and stale once the metadata changes', async () => {
    const current = await run(process.execPath, [generator, '--check']);
    expect(current.stdout).toContain('up to date');

    const changed = structuredClone(metadata);
    const accountsPage = changed.endpoints.find((e) => e.uri.endsWith('/crm/Accounts'));
    accountsPage?.properties.push({ name: 'Nickname', type: 'Edm.String', methods: 'GPU' });
    const path = join(dir, 'endpoints.json');
    await writeFile(path, JSON.stringify(changed));
    const stale = await run(process.execPath, [generator, '--check', '--metadata', path]).catch((e) => e);
    expect(stale.code).toBe(1);
    expect(stale.stderr).toContain('packages/exact/src/catalogue/generated/crm-accounts.ts');
  });

  it('says where to point it when the metadata is missing', async () => {
    const missing = await run(process.execPath, [generator, '--metadata', join(dir, 'nope.json')]).catch(
      (e) => e,
    );
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/Cannot read the endpoint metadata .*nope\.json.*\n.*--metadata PATH/);
  });

  it('applies the layer on top of the metadata', () => {
    const model = buildModel(metadata);
    const byPath = new Map(model.endpoints.map((e) => [e.path, e]));
    // Metadata fields plus the newer ones live Exact returns (facts §12).
    expect(Object.keys(accounts.fields)).toContain('PeppolIdentifier');
    expect(accounts.fields.Code).toBe('String code18');
    expect(accounts.fields.Country).toBe('String pad');
    expect(contacts.fields.Language).toBe('String pad');
    // Digit-string codes are not padded (facts §12).
    expect(accounts.fields.PaymentConditionSales).toBe('String');
    expect(transactionLines.fields.JournalCode).toBe('String ro');
    expect(salesOrders).toMatchObject({
      syncPath: 'sync/SalesOrder/SalesOrderHeaders',
      deletedEntityTypes: [32, 12],
    });
    // A sync twin carries its standard endpoint's fields, Timestamp first (facts §4).
    const syncItems = byPath.get('sync/Logistics/Items');
    const items = byPath.get('logistics/Items');
    expect(syncItems?.fields[0]?.name).toBe('Timestamp');
    const scalars = items?.fields.filter((f) => f.type !== 'Nav').map((f) => f.name) ?? [];
    expect(syncItems?.fields.slice(1, scalars.length + 1).map((f) => f.name)).toEqual(scalars);
    // Twins the reference no longer lists are still served, unlisted.
    expect(byPath.get('bulk/CRM/Accounts')).toMatchObject({ listed: false, twinOf: 'crm/Accounts' });
    expect(byPath.get('financialtransaction/Transactions')?.key).toBe('EntryID');
  });
});
