import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const SRC = fileURLToPath(new URL('../../src/', import.meta.url));

/** Every .ts file under src/, relative to it. */
function sourceFiles(dir = SRC): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [path.relative(SRC, full)] : [];
  });
}

/** The relative imports of a file (static, dynamic and type-only), resolved against src/. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(SRC, file), 'utf8');
  const specifiers = [
    ...text.matchAll(/\bfrom\s+'(\.{1,2}\/[^']+)'/g),
    ...text.matchAll(/\bimport\(\s*'(\.{1,2}\/[^']+)'\s*\)/g),
    ...text.matchAll(/^import\s+'(\.{1,2}\/[^']+)'/gm),
  ].map((m) => m[1]!);
  return specifiers.map((s) => path.relative(SRC, path.resolve(path.dirname(path.join(SRC, file)), s)));
}

/** A file's top-level folder (`auth`), or the file itself for files directly in src/ (`clock.ts`). */
const unitOf = (file: string) => file.split(path.sep)[0]!;

const FILES = sourceFiles();
const EDGES = FILES.flatMap((from) => importsOf(from).map((to) => ({ from, to })));

/** Folder-level dependency graph, without a folder's imports of itself. */
function folderGraph(): Map<string, Set<string>> {
  const graph = new Map<string, Set<string>>();
  for (const { from, to } of EDGES) {
    const [a, b] = [unitOf(from), unitOf(to)];
    if (a === b) continue;
    if (!graph.has(a)) graph.set(a, new Set());
    graph.get(a)!.add(b);
  }
  return graph;
}

/** Every cycle's folders, found by depth-first search (each cycle reported once per entry point). */
function cycles(graph: Map<string, Set<string>>): string[][] {
  const found: string[][] = [];
  const visit = (node: string, trail: string[]) => {
    for (const next of graph.get(node) ?? []) {
      const at = trail.indexOf(next);
      if (at >= 0) found.push([...trail.slice(at), next]);
      else visit(next, [...trail, next]);
    }
  };
  for (const start of graph.keys()) visit(start, [start]);
  return found;
}

describe('the hub source tree', () => {
  it('finds the files and imports it checks', () => {
    expect(FILES).toContain(path.join('api', 'server.ts'));
    expect(EDGES.length).toBeGreaterThan(100);
  });

  it('has no import cycle between top-level folders', () => {
    const found = cycles(folderGraph()).map((cycle) => cycle.join(' → '));
    expect([...new Set(found)]).toEqual([]);
  });

  it('lets only the CLI (and the package entry) import the HTTP server', () => {
    const importers = EDGES.filter(({ to }) => to === path.join('api', 'server.ts')).map(({ from }) => from);
    expect(importers.filter((file) => unitOf(file) !== 'cli' && file !== 'index.ts')).toEqual([]);
    expect(importers.length).toBeGreaterThan(0);
  });

  it('keeps features apart from the server and the composition root', () => {
    const features = ['auth', 'workspaces', 'connections', 'web-ui', 'doctor'];
    const wrong = EDGES.filter(
      ({ from, to }) => features.includes(unitOf(from)) && ['api', 'app', 'cli'].includes(unitOf(to)),
    );
    expect(wrong).toEqual([]);
  });

  it('runs imports one way inside a feature: routes → service → repository', () => {
    const kind = (file: string) => /-(routes|service|repository)\.ts$/.exec(file)?.[1];
    const rank: Record<string, number> = { routes: 3, service: 2, repository: 1 };
    const upward = EDGES.filter(({ from, to }) => {
      const [a, b] = [kind(from), kind(to)];
      return a !== undefined && b !== undefined && rank[b]! > rank[a]!;
    });
    expect(upward).toEqual([]);
  });

  it("keeps SQL out of features' route files: they neither use Drizzle nor the database handle", () => {
    const leaking = FILES.filter((file) => {
      // The server's own health routes (api/) ask the database whether it is up.
      if (!file.endsWith('-routes.ts') || unitOf(file) === 'api') return false;
      const text = readFileSync(path.join(SRC, file), 'utf8');
      return (
        text.includes("from 'drizzle-orm'") || importsOf(file).includes(path.join('storage', 'database.ts'))
      );
    });
    expect(leaking).toEqual([]);
  });
});
