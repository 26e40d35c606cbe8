import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';

it("the README's complete example is the type-checked test/readme-example.ts", async () => {
  const readme = await readFile(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const block = /## A complete example\n\n```ts\n([\s\S]*?)```/.exec(readme)?.[1];
  const example = await readFile(join(import.meta.dirname, 'readme-example.ts'), 'utf8');
  expect(block).toBeDefined();
  expect(example.split('\n').slice(1).join('\n')).toBe(block);
});
