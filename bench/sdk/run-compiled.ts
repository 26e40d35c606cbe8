// The SDK benchmark as an application would run the SDK from npm: compiled to JavaScript
// (Node strips types only outside node_modules, so a published package ships .js) and with
// the young generation capped at 16 MiB, the V8 setting a memory-bounded sync worker uses.
// Usage: npm run bench:sdk:compiled [-- <rows>]
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../../', import.meta.url));
const outDir = `${root}bench/.compiled`;
rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const tsconfig = `${outDir}/tsconfig.json`;
writeFileSync(
  tsconfig,
  JSON.stringify({
    extends: '../../tsconfig.json',
    compilerOptions: {
      noEmit: false,
      outDir: '.',
      rootDir: '../..',
      rewriteRelativeImportExtensions: true,
      sourceMap: false,
    },
    include: ['../sdk/run.ts'],
  }),
);
const compiled = spawnSync(process.execPath, [`${root}node_modules/typescript/bin/tsc`, '-p', tsconfig], {
  stdio: 'inherit',
});
if (compiled.status !== 0) process.exit(compiled.status ?? 1);
// The simulator child stays TypeScript: its memory is not what this benchmark measures.
copyFileSync(`${root}bench/sdk/sim-process.ts`, `${outDir}/bench/sdk/sim-process.ts`);

const run = spawnSync(
  process.execPath,
  ['--max-semi-space-size=16', `${outDir}/bench/sdk/run.js`, ...process.argv.slice(2)],
  { stdio: 'inherit' },
);
process.exit(run.status ?? 1);
