// `koppel worker` as a real child process, for the tests of work shared (and lost) across
// processes on one Postgres.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const CLI = fileURLToPath(new URL('../../src/cli/main.ts', import.meta.url));
/** Run the workspace packages from their TypeScript sources, as the repository's .npmrc does. */
const SOURCES = '--conditions=koppel-source';

export interface WorkerProcess {
  child: ChildProcess;
  output: () => string;
  exited: Promise<number | null>;
}

/** Starts `koppel worker` and resolves once it logs that it runs. */
export function startWorker(env: Record<string, string>): Promise<WorkerProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [SOURCES, CLI, 'worker'], {
      env: { PATH: process.env.PATH ?? '', ...env },
    });
    const exited = new Promise<number | null>((done) => child.on('close', done));
    let buffer = '';
    let ready = false;
    const onData = (chunk: Buffer) => {
      buffer += chunk;
      if (!ready && buffer.includes('koppel worker running')) {
        ready = true;
        resolve({ child, output: () => buffer, exited });
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((code) => {
      if (!ready) reject(new Error(`koppel worker exited with ${code}: ${buffer}`));
    });
  });
}
