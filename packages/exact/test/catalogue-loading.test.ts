// Importing the SDK must not load the whole catalogue: the root loads the core entities (and
// the ones they navigate to), `loadEntity` one more module.
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { catalogueIndex, loadEntity } from '../src/index.ts';

const root = new URL('../src/index.ts', import.meta.url).pathname;

it('loads only the core modules at the root and one module per loadEntity', async () => {
  const script = `
    import { registerHooks } from 'node:module';
    const loaded = new Set();
    registerHooks({
      load(url, context, next) {
        if (url.includes('/catalogue/generated/')) loaded.add(url.split('/').pop());
        return next(url, context);
      },
    });
    const sdk = await import(${JSON.stringify(root)});
    const atRoot = [...loaded];
    const entity = await sdk.loadEntity('sync/Inventory/StockPositions');
    process.stdout.write(JSON.stringify({ atRoot, added: [...loaded].filter((f) => !atRoot.includes(f)), name: entity.name }));`;
  const { stdout } = await promisify(execFile)(process.execPath, ['--input-type=module', '--eval', script]);
  const result = JSON.parse(stdout) as { atRoot: string[]; added: string[]; name: string };
  expect(result.atRoot).toContain('crm-accounts.ts');
  expect(result.atRoot.length).toBeLessThan(25);
  expect(catalogueIndex.length).toBeGreaterThan(300);
  expect(result.added).toEqual(['sync-inventory-stock-positions.ts']);
  expect(result.name).toBe('SyncInventoryStockPositions');
});

it('resolves paths case-insensitively and answers undefined for paths Exact does not list', async () => {
  const projects = await loadEntity('SYNC/project/projects');
  expect(projects).toMatchObject({
    path: 'sync/Project/Projects',
    key: 'Timestamp',
    scope: 'Projects projects',
  });
  expect(await loadEntity('crm/Nonsense')).toBeUndefined();
});
