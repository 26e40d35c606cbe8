import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { expect, it } from 'vitest';

// Each README example is a type-checked file here; the README shows it without its first line.
const EXAMPLES = {
  'A complete example': 'readme-example.ts',
  Writes: 'readme-writes.ts',
  'Sharing tokens between processes': 'readme-token-store.ts',
  Webhooks: 'readme-webhooks.ts',
  'Testing against exact-sim': 'readme-testing.ts',
};

it.each(Object.entries(EXAMPLES))('the README\'s "%s" is the type-checked test/%s', async (heading, file) => {
  const readme = await readFile(join(import.meta.dirname, '..', 'README.md'), 'utf8');
  const block = new RegExp(`## ${heading}\\n[\\s\\S]*?\`\`\`ts\\n([\\s\\S]*?)\`\`\``).exec(readme)?.[1];
  const example = await readFile(join(import.meta.dirname, file), 'utf8');
  expect(block).toBeDefined();
  expect(example.split('\n').slice(1).join('\n')).toBe(block);
});
