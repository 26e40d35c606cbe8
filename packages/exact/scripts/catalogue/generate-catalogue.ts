// `npm run generate:catalogue [-- --metadata PATH]`: regenerates the SDK's entity modules,
// its endpoint index and README list, and the simulator's catalogue data from Exact's
// endpoint metadata (default ../shared/exact-metadata/endpoints.json) plus the layer.

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

const sdkDir = join(repo, 'packages/exact/src/catalogue/generated');
await rm(sdkDir, { recursive: true, force: true });
await mkdir(sdkDir, { recursive: true });
for (const endpoint of model.endpoints) {
  if (!endpoint.listed) continue;
  await writeFile(join(sdkDir, `${endpoint.module}.ts`), entityModule(model, endpoint, byPath));
}
await writeFile(join(sdkDir, 'endpoint-index.ts'), endpointIndex(model));

const readmePath = join(repo, 'packages/exact/README.md');
const readme = await readFile(readmePath, 'utf8');
const start = '<!-- endpoints:start -->';
const end = '<!-- endpoints:end -->';
const list = `${start}\n${readmeEndpoints(model)}\n${end}`;
const next =
  readme.includes(start) && readme.includes(end)
    ? readme.slice(0, readme.indexOf(start)) + list + readme.slice(readme.indexOf(end) + end.length)
    : `${readme.trimEnd()}\n\n## Endpoints\n\n${list}\n`;
await writeFile(readmePath, next);

const simDir = join(repo, 'packages/exact-sim/src/catalogue/generated');
await mkdir(simDir, { recursive: true });
await writeFile(join(simDir, 'endpoints.json'), simData(model));
await writeFile(join(simDir, 'table-paths.ts'), simTablePaths(model, header(model)));

// The committed modules are in the repository's format, so a regeneration diffs cleanly.
execFileSync(join(repo, 'node_modules/.bin/biome'), ['check', '--write', sdkDir, simDir], {
  stdio: 'ignore',
});

const modules = (await readdir(sdkDir)).length - 1;
console.log(
  `catalogue: ${model.endpoints.filter((e) => e.listed).length} endpoints (${modules} SDK modules), ${model.endpoints.length} served by exact-sim, from ${metadataPath}`,
);
