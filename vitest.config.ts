import { defineConfig } from 'vitest/config';

// The workspace packages export their TypeScript sources under the "koppel-source" condition and
// their published build otherwise. npm runs set it through .npmrc's node-options; this covers a
// Vitest started another way, for its workers and for the processes the tests spawn.
const SOURCE_CONDITION = '--conditions=koppel-source';
if (!process.env.NODE_OPTIONS?.includes(SOURCE_CONDITION)) {
  process.env.NODE_OPTIONS = `${process.env.NODE_OPTIONS ?? ''} ${SOURCE_CONDITION}`.trim();
}

export default defineConfig({
  ssr: { resolve: { conditions: ['koppel-source', 'node', 'development|production'] } },
  test: {
    include: ['packages/*/test/**/*.test.ts', 'test/**/*.test.ts'],
    testTimeout: 30_000,
    hookTimeout: 60_000,
    pool: 'forks',
    reporters: ['default'],
  },
});
