// A token store in one JSON file shared by several OS processes. The refresh lock is a
// lock file created with O_EXCL (`wx`): only one process can create it; the others poll.
import { open, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import type { LockedTokens, TokenSet, TokenStore } from '../../src/index.ts';

const STALE_LOCK_MS = 30_000;

export class FileTokenStore implements TokenStore {
  readonly #path: string;

  constructor(path: string) {
    this.#path = path;
  }

  async #readAll(): Promise<Record<string, TokenSet>> {
    try {
      return JSON.parse(await readFile(this.#path, 'utf8')) as Record<string, TokenSet>;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return {};
      throw error;
    }
  }

  async load(key: string): Promise<TokenSet | undefined> {
    return (await this.#readAll())[key];
  }

  async save(key: string, tokens: TokenSet): Promise<void> {
    const all = await this.#readAll();
    all[key] = tokens;
    const temporary = `${this.#path}.${process.pid}.tmp`;
    await writeFile(temporary, JSON.stringify(all));
    await rename(temporary, this.#path);
  }

  async withRefreshLock<T>(key: string, fn: (locked: LockedTokens) => Promise<T>): Promise<T> {
    const lockPath = `${this.#path}.${encodeURIComponent(key)}.lock`;
    for (;;) {
      try {
        const handle = await open(lockPath, 'wx');
        await handle.writeFile(String(process.pid));
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        const age = await stat(lockPath).then(
          (info) => Date.now() - info.mtimeMs,
          () => 0,
        );
        if (age > STALE_LOCK_MS) await rm(lockPath, { force: true });
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
    }
    try {
      return await fn({ load: () => this.load(key), save: (tokens) => this.save(key, tokens) });
    } finally {
      await rm(lockPath, { force: true });
    }
  }
}
