// Builds the dashboard when dist is missing or older than its sources; `npm start` and the
// browser tests run this first, so nobody has to remember `npm run build -w packages/web`.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const WEB_DIR = fileURLToPath(new URL('..', import.meta.url));
const SOURCES = ['app', 'public', 'index.html', 'vite.config.ts', 'tsconfig.json', 'package.json'];
const BUILT_MARKER = path.join(WEB_DIR, 'dist', 'index.html');

function newestChange(entry: string): number {
  const stat = statSync(entry);
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(entry).reduce(
    (newest, name) => Math.max(newest, newestChange(path.join(entry, name))),
    0,
  );
}

/** Why a build is needed, or undefined when dist is up to date. */
export function staleReason(): string | undefined {
  let builtAt: number;
  try {
    builtAt = statSync(BUILT_MARKER).mtimeMs;
  } catch {
    return 'packages/web/dist is missing';
  }
  const changed = SOURCES.find((source) => newestChange(path.join(WEB_DIR, source)) > builtAt);
  return changed ? `packages/web/${changed} changed since the last build` : undefined;
}

export function ensureWebBuilt(log: (line: string) => void = console.log): void {
  const reason = staleReason();
  if (!reason) return;
  log(`Building the dashboard (${reason})…`);
  const result = spawnSync('npm', ['run', 'build'], { cwd: WEB_DIR, stdio: 'inherit' });
  if (result.status !== 0) {
    throw new Error(
      `Building the dashboard failed (exit ${result.status ?? result.signal}); see the output above, or run npm run build -w packages/web.`,
    );
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) ensureWebBuilt();
