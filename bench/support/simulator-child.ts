// Shared by the benchmarks: exact-sim runs in a child process (so that its memory and CPU
// are measured apart) and announces itself with one JSON line on stdout.
import { type ChildProcess, spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

/** What both benchmark children announce: where the simulator listens and how to sign in. */
export interface SimulatorAnnouncement {
  url: string;
  app: { clientId: string; clientSecret: string; redirectUri: string };
  user: { username: string; password: string };
}

/** Spawns `script` with Node and resolves with the child and its first stdout line, parsed. */
export function startSimulatorChild<Info extends SimulatorAnnouncement>(
  script: URL,
  args: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ child: ChildProcess; info: Info }> {
  // From the workspace's TypeScript sources, whatever NODE_OPTIONS the caller passes (the
  // repository's .npmrc adds this condition only through NODE_OPTIONS).
  const child = spawn(process.execPath, ['--conditions=koppel-source', script.pathname, ...args], {
    stdio: ['ignore', 'pipe', 'inherit'],
    env,
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`simulator exited with ${code}`)));
    createInterface({ input: child.stdout as NonNullable<typeof child.stdout> }).once('line', (line) =>
      resolve({ child, info: JSON.parse(line) as Info }),
    );
  });
}
