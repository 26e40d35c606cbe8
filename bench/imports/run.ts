// `npm run bench:imports [-- RUNS] [-- --sdk DIR]`: what importing @koppel/exact costs now
// that the catalogue holds every endpoint. Each figure is the median of RUNS fresh Node
// processes (module cache cold), timed inside the child around a dynamic import.

import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: { sdk: { type: 'string', default: resolve(import.meta.dirname, '../../packages/exact') } },
});
const runs = Number(positionals[0] ?? 15);
const sdk = resolve(values.sdk as string);
const root = `${sdk}/src/index.ts`;
const generated = `${sdk}/src/catalogue/generated`;

/** Runs `body` (an async module script that must set `globalThis.result`) in a fresh process. */
interface Sample {
  /** Wall-clock ms of the import. */
  ms: number;
  /** CPU ms (user + system) of the import: holds when other work shares the machine. */
  cpu: number;
  /** V8 heap in use afterwards, bytes. */
  heap: number;
}

function measure(body: string): Sample {
  const script = `
    const started = performance.now();
    const cpuBefore = process.cpuUsage();
    ${body}
    const ms = performance.now() - started;
    const cpuUsed = process.cpuUsage(cpuBefore);
    const { getHeapStatistics } = await import('node:v8');
    process.stdout.write(JSON.stringify({ ms, cpu: (cpuUsed.user + cpuUsed.system) / 1000, heap: getHeapStatistics().used_heap_size }));`;
  const out = execFileSync(process.execPath, ['--input-type=module', '--eval', script], {
    encoding: 'utf8',
    stdio: ['ignore', 'pipe', 'ignore'],
  });
  return JSON.parse(out) as Sample;
}

function median(samples: number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

const cases: [string, string][] = [
  ['start a process, import nothing (the floor)', ''],
  ['import the package root', `await import(${JSON.stringify(root)});`],
  [
    'import the root, then one entity (loadEntity sync/Project/Projects)',
    `const m = await import(${JSON.stringify(root)}); if (typeof m.loadEntity === 'function') await m.loadEntity('sync/Project/Projects');`,
  ],
  [
    'import one entity module alone (project-projects)',
    `await import(${JSON.stringify(`${generated}/project-projects.ts`)});`,
  ],
  [
    'import every entity module (for scale)',
    `const { readdir } = await import('node:fs/promises');
     const dir = ${JSON.stringify(generated)};
     const files = await readdir(dir).catch(() => []);
     await Promise.all(files.map((f) => import(dir + '/' + f)));`,
  ],
];

console.log(`@koppel/exact import cost, ${sdk}, median of ${runs} fresh processes`);
for (const [label, body] of cases) {
  let samples: Sample[];
  try {
    samples = Array.from({ length: runs }, () => measure(body));
  } catch {
    console.log(`  ${label.padEnd(68)} (not available in this version)`);
    continue;
  }
  const ms = median(samples.map((s) => s.ms));
  const cpu = median(samples.map((s) => s.cpu));
  const heap = median(samples.map((s) => s.heap));
  console.log(
    `  ${label.padEnd(68)} ${ms.toFixed(1).padStart(7)} ms  cpu ${cpu.toFixed(1).padStart(7)} ms  heap ${(heap / 2 ** 20).toFixed(1)} MiB`,
  );
}
console.log(`reproduce: npm run bench:imports -- ${runs}${values.sdk ? ` --sdk ${sdk}` : ''}`);
