import { accounts, type DivisionClient } from '@koppel/exact';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresDestination } from '../../src/destinations/postgres-destination.ts';
import {
  type RelationsSettings,
  relationsPackage,
} from '../../src/flows/packages/relations/relations-package.ts';
import { InProcessStreamLocks } from '../../src/flows/stream-lock.ts';
import { BACKENDS } from '../support/test-hub.ts';
import { openTestDestination, runPackageStreams, startTestSim, type TestSim } from './replica-kit.ts';

const DIVISION = 100001;
/** Numbers people type that no library can make E.164 of. */
const BAD_PHONES = ['n/a', '12', 'bel receptie', '+31 6 12', '0000'];

interface AccountRow {
  id: string;
  code: string;
  phone: string | null;
  types: string[];
  problems: { field: string; value: string; problem: string }[];
  exact_url: string;
  main_contact_name: string | null;
  main_contact_id: string | null;
  addresses: unknown[];
}

describe.each(BACKENDS)('relations replicator on $name', (backend) => {
  let sim: TestSim;
  let exact: DivisionClient;
  let destination: PostgresDestination;
  let dispose: () => Promise<void>;
  const locks = new InProcessStreamLocks();
  const settings: RelationsSettings = relationsPackage.settings.parse({});

  async function replicate(options: { settings?: RelationsSettings; flow?: string } = {}) {
    const stats = await runPackageStreams(relationsPackage, {
      flowId: options.flow ?? 'relations-test',
      entities: ['accounts', 'contacts', 'addresses'],
      settings: options.settings ?? settings,
      exact,
      destination,
      locks,
    });
    for (const stream of Object.values(stats)) expect(stream.error).toBeNull();
    return stats;
  }

  beforeAll(async () => {
    // The destination first: opening PGlite takes seconds, longer than the simulator keeps an idle socket.
    ({ destination, dispose } = await openTestDestination(backend));
    sim = await startTestSim({
      defaultDivisions: [
        {
          code: DIVISION,
          description: 'Relaties BV',
          volumes: { accounts: 495, contacts: 300, addresses: 200 },
        },
      ],
    });
    exact = (await sim.connectedClient()).division(DIVISION, { background: true });
  });
  afterAll(async () => {
    await dispose?.();
    await sim?.close();
  });

  it('500 accounts: E.164 for every parseable phone, the others kept and reported; links to each card', async () => {
    const planted: string[] = [];
    for (const [n, phone] of BAD_PHONES.entries()) {
      const created = await exact.create(accounts, {
        Code: `BAD${n}`,
        Name: `Onbelbaar ${n}`,
        Status: 'C',
        Phone: phone,
      });
      planted.push(created.ID as string);
    }
    const stats = await replicate();
    const source = new Map<string, Record<string, unknown>>();
    for await (const page of exact.sync(accounts)) {
      for (const row of page.rows) source.set(String(row.ID), row as unknown as Record<string, unknown>);
    }
    expect(source.size).toBe(500);
    expect(stats.accounts?.rowsRead).toBe(500);

    const rows = (
      await destination.driver.query<AccountRow>(
        'select id::text as id, code, phone, types, problems, exact_url, main_contact_name, main_contact_id::text as main_contact_id, addresses from relations.account_overview where division = $1',
        [DIVISION],
      )
    ).rows;
    const typed = [...source.values()].filter(
      (row) => ['C', 'P', 'S'].includes(String(row.Status).trim()) || row.IsSupplier === true,
    );
    expect(rows).toHaveLength(typed.length);
    expect(rows.length).toBeLessThan(500);

    let parseable = 0;
    for (const row of rows) {
      const raw = source.get(row.id)?.Phone as string;
      const country = String(source.get(row.id)?.Country ?? '').trim() || 'NL';
      const parsed = parsePhoneNumberFromString(raw, country as 'NL');
      if (parsed?.isValid()) {
        parseable++;
        expect(row.phone).toBe(parsed.number);
        expect(row.phone).toMatch(/^\+[1-9]\d{7,14}$/);
        expect(row.problems).toEqual([]);
      } else {
        expect(row.phone).toBe(raw);
        expect(row.problems).toEqual([expect.objectContaining({ field: 'Phone', value: raw })]);
      }
      const link = new URL(row.exact_url);
      expect(link.origin).toBe('https://start.exactonline.nl');
      expect(link.pathname).toBe('/docs/CRMAccountCard.aspx');
      expect(link.searchParams.get('AccountID')).toBe(`{${row.id}}`);
      expect(link.searchParams.get('_Division_')).toBe(String(DIVISION));
    }
    expect(parseable).toBeGreaterThan(rows.length - BAD_PHONES.length - 5);
    const reported = rows.filter((row) => row.problems.length > 0).map((row) => row.id);
    expect(reported).toEqual(expect.arrayContaining(planted));

    // Main contact and addresses beside each account.
    const withContact = rows.find((row) => row.main_contact_id !== null);
    const contact = (
      await destination.driver.query<{ full_name: string; exact_url: string; account_id: string }>(
        'select full_name, exact_url, account_id::text as account_id from relations.contacts where id = $1',
        [withContact?.main_contact_id],
      )
    ).rows[0];
    expect(withContact?.main_contact_name).toBe(contact?.full_name);
    expect(new URL(contact?.exact_url as string).searchParams.get('ContactID')).toBe(
      `{${withContact?.main_contact_id}}`,
    );
    expect(rows.some((row) => row.addresses.length > 0)).toBe(true);
  });

  it('propagates deletes and updates; includes only the chosen account types', async () => {
    const { deleted } = await sim.control<{ deleted: string[] }>('POST', '/mutations', {
      division: DIVISION,
      entity: 'crm/Addresses',
      deletes: 4,
    });
    const removable = (
      await destination.driver.query<{ id: string }>(
        "select id::text as id from relations.accounts where code like 'BAD%' order by code limit 1",
      )
    ).rows[0]?.id as string;
    await exact.delete(accounts, removable);
    await exact.update(
      accounts,
      (
        await destination.driver.query<{ id: string }>(
          "select id::text as id from relations.accounts where code = 'BAD1'",
        )
      ).rows[0]?.id as string,
      { Phone: '020 123 4567' },
    );
    const stats = await replicate();
    expect(stats.addresses?.rowsDeleted).toBe(4);
    expect(stats.accounts?.rowsDeleted).toBe(1);
    const left = await destination.driver.query(
      'select 1 from relations.addresses where id = any($1::uuid[])',
      [deleted],
    );
    expect(left.rows).toHaveLength(0);
    expect(
      (await destination.driver.query('select 1 from relations.accounts where id = $1', [removable])).rows,
    ).toHaveLength(0);
    const fixed = (
      await destination.driver.query<AccountRow>(
        "select phone, problems from relations.accounts where code = 'BAD1'",
      )
    ).rows[0];
    expect(fixed).toMatchObject({ phone: '+31201234567', problems: [] });

    const suppliersOnly = relationsPackage.settings.parse({
      schema: 'relations_suppliers',
      accountTypes: ['suppliers'],
    });
    await replicate({ settings: suppliersOnly, flow: 'suppliers' });
    const kinds = await destination.driver.query<{ types: string[] }>(
      'select types from relations_suppliers.accounts',
    );
    expect(kinds.rows.length).toBeGreaterThan(0);
    expect(kinds.rows.every((row) => row.types.includes('suppliers'))).toBe(true);
  });
});
