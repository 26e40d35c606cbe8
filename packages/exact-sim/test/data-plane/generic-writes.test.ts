import { describe, expect, it } from 'vitest';
import { errorMessage, harness, json, rowsOf } from './harness.ts';

type Row = Record<string, unknown>;

describe('writes to any endpoint, with the reference per-property methods', () => {
  it('creates, updates and deletes on a generic endpoint, keeping what was written', async () => {
    const h = harness();
    const created = await h.send(
      'POST',
      'project/Projects',
      { Code: 'PRJ-1', Description: 'Verbouwing kantoor', Type: 2 },
      { prefer: 'return=representation' },
    );
    expect(created.status).toBeLessThan(300);
    const project = (json(created) as { d: Row }).d;
    expect(project).toMatchObject({ Code: 'PRJ-1', Description: 'Verbouwing kantoor', Type: 2, Division: 7 });
    const id = project.ID as string;

    const put = await h.send('PUT', `project/Projects(guid'${id}')`, { Description: 'Verbouwing hal' });
    expect(put.status).toBe(204);
    expect(((await h.d(`project/Projects(guid'${id}')`)) as Row).Description).toBe('Verbouwing hal');
    const synced = rowsOf(
      await h.d('sync/Project/Projects', `$select=ID,Description&$filter=ID eq guid'${id}'`),
    );
    expect(synced).toEqual([expect.objectContaining({ ID: id, Description: 'Verbouwing hal' })]);

    expect((await h.send('DELETE', `project/Projects(guid'${id}')`)).status).toBe(204);
    expect((await h.get(`project/Projects(guid'${id}')`)).status).toBe(404);
  });

  it('refuses unknown properties and methods the endpoint lacks, and needs a key for PUT', async () => {
    const h = harness();
    const unknown = await h.send('POST', 'documents/Documents', { Subject: 'Offerte', Colour: 'blue' });
    expect(unknown.status).toBe(400);
    expect(errorMessage(unknown)).toContain("The property 'Colour' does not exist on type");
    const readOnlyEndpoint = await h.send('POST', 'logistics/ItemGroups', { Code: 'NIEUW' });
    expect(readOnlyEndpoint.status).toBe(405);
    const noKey = await h.send('PUT', 'documents/Documents', { Subject: 'Offerte' });
    expect(noKey.status).toBeGreaterThanOrEqual(400);
    expect(noKey.status).toBeLessThan(500);
  });

  it('ignores on PUT a property the reference allows only on POST (a contact keeps its account)', async () => {
    const h = harness();
    const [first, second] = rowsOf(await h.d('crm/Accounts', '$select=ID&$top=2'));
    const created = await h.send(
      'POST',
      'crm/Contacts',
      { LastName: 'Jansen', Account: first?.ID },
      { prefer: 'return=representation' },
    );
    const contact = (json(created) as { d: Row }).d;
    expect(contact.Account).toBe(first?.ID);
    const put = await h.send('PUT', `crm/Contacts(guid'${contact.ID}')`, {
      Account: second?.ID,
      LastName: 'Jansen-de Boer',
    });
    expect(put.status).toBe(204);
    const after = (await h.d(`crm/Contacts(guid'${contact.ID}')`)) as Row;
    expect(after).toMatchObject({ Account: first?.ID, LastName: 'Jansen-de Boer' });
  });
});
