import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { accounts, contacts, type DivisionClient } from '@koppel/exact';
import { parsePhoneNumberFromString } from 'libphonenumber-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PostgresDestination } from '../../src/destinations/postgres-destination.ts';
import { csvObjects } from '../../src/flows/csv-format.ts';
import type { FileManifest } from '../../src/flows/packages/analytics-files/file-manifest.ts';
import {
  type RelationsSettings,
  relationsPackage,
} from '../../src/flows/packages/relations/relations-package.ts';
import { InProcessStreamLocks } from '../../src/flows/stream-lock.ts';
import { BACKENDS } from '../support/test-hub.ts';
import { type FeedReceiver, type ReceivedEvent, startFeedReceiver } from './feed-receiver.ts';
import { openTestDestination, runPackageStreams, startTestSim, type TestSim } from './replica-kit.ts';

const DIVISION = 100001;
/** Numbers people type that no library can make E.164 of. */
const BAD_PHONES = ['n/a', '12', 'bel receptie', '+31 6 12', '0000'];
const SECRET = 'relations-webhook-signing-secret-0123';

/** What each output holds of an account: the columns the replicator computes. */
interface AccountView {
  phone: string | null;
  exact_url: string;
  problems: unknown[];
}

/** The receiver's view: per key the last event, without the keys whose last event deletes them. */
function webhookState(
  events: readonly ReceivedEvent[],
  entity: string,
): Map<string, Record<string, unknown>> {
  const state = new Map<string, Record<string, unknown>>();
  for (const event of events) {
    if (event.entity !== entity) continue;
    if ((event.type as string) === 'deleted') state.delete(event.key);
    else state.set(event.key, event.data as Record<string, unknown>);
  }
  return state;
}

function view(record: Record<string, unknown>): AccountView {
  const problems = typeof record.problems === 'string' ? JSON.parse(record.problems) : record.problems;
  return {
    phone: (record.phone as string | undefined) ?? null,
    exact_url: record.exact_url as string,
    problems: problems as unknown[],
  };
}

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

    // Every contact: its link opens its own card in its division; each phone E.164 or reported as sent.
    const sourceContacts = new Map<string, Record<string, unknown>>();
    for await (const page of exact.sync(contacts)) {
      for (const row of page.rows)
        sourceContacts.set(String(row.ID), row as unknown as Record<string, unknown>);
    }
    const contactRows = (
      await destination.driver.query<{
        id: string;
        exact_url: string;
        phone: string | null;
        mobile: string | null;
        problems: { field: string; value: string }[];
      }>(
        'select id::text as id, exact_url, phone, mobile, problems from relations.contacts where division = $1',
        [DIVISION],
      )
    ).rows;
    expect(contactRows).toHaveLength(sourceContacts.size);
    for (const row of contactRows) {
      const link = new URL(row.exact_url);
      expect(link.pathname).toBe('/docs/CRMContactCard.aspx');
      expect(link.searchParams.get('ContactID')).toBe(`{${row.id}}`);
      expect(link.searchParams.get('_Division_')).toBe(String(DIVISION));
      for (const [column, field] of [
        ['phone', 'Phone'],
        ['mobile', 'Mobile'],
      ] as const) {
        const raw = sourceContacts.get(row.id)?.[field];
        const reported = row.problems.find((problem) => problem.field === field);
        if (typeof raw !== 'string' || raw.trim() === '') expect(row[column]).toBeNull();
        else if (reported) expect(row[column]).toBe(raw);
        else expect(row[column]).toMatch(/^\+[1-9]\d{7,14}$/);
      }
    }
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

  it('to a signed webhook and to JSON Lines and CSV files: the same records as the tables, deletes reaching each', async () => {
    const receiver: FeedReceiver = await startFeedReceiver(SECRET);
    const directory = await mkdtemp(path.join(tmpdir(), 'koppel-relations-files-'));
    try {
      const outputs = {
        hook: relationsPackage.settings.parse({
          output: 'webhook',
          schema: 'relations_hook',
          webhookUrl: receiver.url,
          signingSecret: SECRET,
          batchSize: 150,
        }),
        jsonl: relationsPackage.settings.parse({ output: 'files', directory: path.join(directory, 'jsonl') }),
        csv: relationsPackage.settings.parse({
          output: 'files',
          directory: path.join(directory, 'csv'),
          fileFormat: 'csv',
        }),
      };
      const incomplete = relationsPackage.settings.safeParse({ output: 'webhook' });
      expect(incomplete.error?.issues.map((issue) => `${issue.path.join('.')}: ${issue.message}`)).toEqual([
        'webhookUrl: is required for output "webhook"',
        'signingSecret: is required for output "webhook"',
      ]);
      const replicateAll = async () => {
        await replicate();
        for (const [flow, chosen] of Object.entries(outputs)) await replicate({ settings: chosen, flow });
      };
      const tableAccounts = async () =>
        new Map(
          (
            await destination.driver.query<AccountView & { id: string }>(
              'select id::text as id, phone, exact_url, problems from relations.accounts where division = $1',
              [DIVISION],
            )
          ).rows.map((row) => [row.id, view(row as unknown as Record<string, unknown>)]),
        );
      const fileAccounts = async (format: 'jsonl' | 'csv') => {
        const folder = path.join(directory, format, 'accounts', `division=${DIVISION}`);
        const text = await readFile(path.join(folder, `current.${format}`), 'utf8');
        const records =
          format === 'csv'
            ? csvObjects(text)
            : text
                .trimEnd()
                .split('\n')
                .map((line) => JSON.parse(line) as Record<string, unknown>);
        return new Map(records.map((record) => [String(record.id), view(record)]));
      };
      const manifestOf = async (format: 'jsonl' | 'csv', entity: string) =>
        JSON.parse(
          await readFile(
            path.join(directory, format, entity, `division=${DIVISION}`, 'manifest.json'),
            'utf8',
          ),
        ) as FileManifest;
      const compareAll = async () => {
        const expected = await tableAccounts();
        expect(expected.size).toBeGreaterThan(400);
        const hooked = new Map(
          [...webhookState(receiver.events, 'accounts')].map(([id, data]) => [id, view(data)]),
        );
        expect(hooked).toEqual(expected);
        expect(await fileAccounts('jsonl')).toEqual(expected);
        expect(await fileAccounts('csv')).toEqual(expected);
        return expected;
      };

      await replicateAll();
      const before = await compareAll();
      const contactsSent = webhookState(receiver.events, 'contacts');
      const contactRows = await destination.driver.query<{ id: string }>(
        'select id::text as id from relations.contacts where division = $1',
        [DIVISION],
      );
      expect(new Set(contactsSent.keys())).toEqual(new Set(contactRows.rows.map((row) => row.id)));

      // Deletes in Exact, and a receiver that fails once: the page is sent again on the next run.
      const gone = [...before.keys()].slice(0, 3);
      for (const id of gone) await exact.delete(accounts, id);
      const contacts = await sim.control<{ deleted: string[] }>('POST', '/mutations', {
        division: DIVISION,
        entity: 'crm/Contacts',
        deletes: 2,
      });
      receiver.failNext(1);
      const failed = await replicate({ settings: outputs.hook, flow: 'hook' }).catch(() => undefined);
      expect(failed).toBeUndefined();
      const retried = await runPackageStreams(relationsPackage, {
        flowId: 'hook',
        entities: ['accounts'],
        settings: outputs.hook,
        exact,
        destination,
        locks,
      });
      expect(retried.accounts?.error).toBeNull();
      await replicateAll();
      const after = await compareAll();
      for (const id of gone) expect(after.has(id)).toBe(false);
      expect(after.size).toBe(before.size - 3);
      const deletedEvents = receiver.events.filter((event) => (event.type as string) === 'deleted');
      expect(deletedEvents.map((event) => event.key)).toEqual(
        expect.arrayContaining([...gone, ...contacts.deleted]),
      );
      expect(webhookState(receiver.events, 'contacts').has(contacts.deleted[0] as string)).toBe(false);
      expect(receiver.answered[500]).toBe(1);
      expect(receiver.badSignatures).toBe(0);

      for (const format of ['jsonl', 'csv'] as const) {
        const manifest = await manifestOf(format, 'accounts');
        // The last run's deletes are the three accounts (the first run's also named the untyped ones).
        const deletes = manifest.fileSets.at(-1)?.deletes;
        expect(deletes?.rows).toBe(3);
        const deletesText = await readFile(
          path.join(directory, format, 'accounts', `division=${DIVISION}`, deletes?.file as string),
          'utf8',
        );
        for (const id of gone) expect(deletesText).toContain(id);
        expect(manifest.snapshot?.rows).toBe(after.size);
        const contactsCurrent = await readFile(
          path.join(directory, format, 'contacts', `division=${DIVISION}`, `current.${format}`),
          'utf8',
        );
        for (const id of contacts.deleted) expect(contactsCurrent).not.toContain(id);
        const files = await readdir(path.join(directory, format, 'accounts', `division=${DIVISION}`));
        expect(files.filter((file) => file.endsWith('.tmp'))).toEqual([]);
      }
    } finally {
      await receiver.close();
      await rm(directory, { recursive: true, force: true });
    }
  });
});
