// Builds the package in the current directory for publishing: ESM JavaScript, declarations and
// source maps from src/ into dist/ (its tsconfig.build.json, on the root one). The repository
// itself never needs this: it runs the TypeScript sources through the "koppel-source" condition.
// Workspace dependencies resolve to their own dist/ (customConditions is empty), so build them first.
// Usage (from a package folder): npm run build
import { spawnSync } from 'node:child_process';
import { cpSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';

// A stale file from a deleted or renamed source would otherwise be published.
rmSync('dist', { recursive: true, force: true });
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc');
const result = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
if (result.status === 0) {
  // Data the sources read at run time (exact-sim's generated catalogue) goes along, beside its code.
  cpSync('src', 'dist', {
    recursive: true,
    filter: (source) => source.endsWith('.json') || statSync(source).isDirectory(),
  });
}
process.exit(result.status ?? 1);
