// `npm run generate:catalogue [-- --metadata PATH] [-- --check]`: regenerates the SDK's
// entity modules, its endpoint index and README list, and the simulator's catalogue data
// from Exact's endpoint metadata (default ../shared/exact-metadata/endpoints.json) plus the
// layer. `--check` writes nothing and exits 1 when the committed files are stale.

import { execFileSync } from 'node:child_process';
import { mkdir, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { buildModel, type Metadata } from './catalogue-model.ts';
import { endpointIndex, entityModule, header, readmeEndpoints } from './emit-sdk.ts';
import { simData, simTablePaths } from './emit-sim.ts';

const repo = resolve(import.meta.dirname, '../../../..');
const { values } = parseArgs({
  options: {
    metadata: { type: 'string', default: resolve(repo, '../shared/exact-metadata/endpoints.json') },
    check: { type: 'boolean', default: false },
  },
});

const metadataPath = resolve(values.metadata as string);
let metadata: Metadata;
try {
  metadata = JSON.parse(await readFile(metadataPath, 'utf8')) as Metadata;
} catch (error) {
  console.error(`Cannot read the endpoint metadata at ${metadataPath}: ${(error as Error).message}`);
  console.error('Pass its location with --metadata PATH.');
  process.exit(1);
}
if (!Array.isArray(metadata.endpoints)) {
  console.error(`${metadataPath} has no "endpoints" array: is it exact-metadata/endpoints.json?`);
  process.exit(1);
}

const model = buildModel(metadata);
const byPath = new Map(model.endpoints.map((e) => [e.path, e]));

const SDK_DIR = 'packages/exact/src/catalogue/generated';
const SIM_DIR = 'packages/exact-sim/src/catalogue/generated';

/** Every generated file, by path relative to the repository. */
const files = new Map<string, string>();
for (const endpoint of model.endpoints) {
  if (endpoint.listed) files.set(`${SDK_DIR}/${endpoint.module}.ts`, entityModule(model, endpoint, byPath));
}
files.set(`${SDK_DIR}/endpoint-index.ts`, endpointIndex(model));
files.set(`${SIM_DIR}/endpoints.json`, simData(model));
files.set(`${SIM_DIR}/table-paths.ts`, simTablePaths(model, header(model)));

const readmePath = join(repo, 'packages/exact/README.md');
const readme = await readFile(readmePath, 'utf8');
const start = '<!-- endpoints:start -->';
const end = '<!-- endpoints:end -->';
const list = `${start}\n${readmeEndpoints(model)}\n${end}`;
const nextReadme =
  readme.includes(start) && readme.includes(end)
    ? readme.slice(0, readme.indexOf(start)) + list + readme.slice(readme.indexOf(end) + end.length)
    : `${readme.trimEnd()}\n\n## Endpoints\n\n${list}\n`;

/** Writes the files under `root` in the repository's format (so a regeneration diffs cleanly). */
async function writeAll(root: string): Promise<void> {
  for (const dir of [SDK_DIR, SIM_DIR]) {
    await rm(join(root, dir), { recursive: true, force: true });
    await mkdir(join(root, dir), { recursive: true });
  }
  for (const [path, text] of files) await writeFile(join(root, path), text);
  execFileSync(
    join(repo, 'node_modules/.bin/biome'),
    ['check', '--write', join(root, SDK_DIR), join(root, SIM_DIR)],
    {
      stdio: 'ignore',
    },
  );
}

if (values.check) {
  // Generated into a scratch folder inside the repository (biome formats only there), then
  // compared with what is committed: a stale catalogue fails with the files to regenerate.
  const scratch = join(repo, 'packages/exact/scripts/catalogue', `.check-${process.pid}`);
  const stale: string[] = [];
  try {
    await writeAll(scratch);
    for (const dir of [SDK_DIR, SIM_DIR]) {
      const wanted = new Set(await readdir(join(scratch, dir)));
      const present = new Set(await readdir(join(repo, dir)).catch(() => []));
      for (const name of new Set([...wanted, ...present])) {
        const a = wanted.has(name) ? await readFile(join(scratch, dir, name), 'utf8') : null;
        const b = present.has(name) ? await readFile(join(repo, dir, name), 'utf8') : null;
        if (a !== b) stale.push(`${dir}/${name}`);
      }
    }
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
  if (nextReadme !== readme) stale.push('packages/exact/README.md');
  if (stale.length > 0) {
    console.error(
      `The generated catalogue is stale (${stale.length} files, e.g. ${stale.slice(0, 5).join(', ')}).`,
    );
    console.error('Run `npm run generate:catalogue` and commit the result.');
    process.exit(1);
  }
  console.log(`catalogue: up to date (${files.size} generated files)`);
} else {
  await writeAll(repo);
  await writeFile(readmePath, nextReadme);
  console.log(
    `catalogue: ${model.endpoints.filter((e) => e.listed).length} endpoints (one SDK module each), ${model.endpoints.length} served by exact-sim, from ${metadataPath}`,
  );
}
