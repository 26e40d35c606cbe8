// `npm start` as a person runs it: cli/demo.ts in a process of its own (the hub on the embedded
// database and exact-sim beside it), its terminal output kept for the test to read.
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const DEMO_ENTRY = fileURLToPath(new URL('../../../hub/src/cli/demo.ts', import.meta.url));
/** The banner's first and last words (cli/demo.ts). */
const BANNER_START = 'Koppel is running in demo mode';
const BANNER_END = 'Stop with Ctrl+C';
/** A cold start on two busy cores: migrations, the simulator, the hub. */
const START_TIMEOUT_MS = 90_000;

export interface NpmStart {
  hubUrl: string;
  /** Everything printed so far, stdout and stderr interleaved. */
  output(): string;
  /** The banner with the next steps, as printed once the hub is ready. */
  banner(): string;
  /** Ctrl+C: stops the hub and the simulator and waits for the process to end. */
  stop(): Promise<void>;
}

export interface NpmStartOptions {
  dataDir: string;
  hubPort: number;
  simPort: number;
  /** Extra environment, e.g. KOPPEL_LOG_FORMAT=pretty for what a terminal shows. */
  env?: Record<string, string>;
}

export async function startNpmStart(options: NpmStartOptions): Promise<NpmStart> {
  const child: ChildProcess = spawn(process.execPath, [DEMO_ENTRY], {
    env: {
      ...process.env,
      KOPPEL_PORT: String(options.hubPort),
      EXACT_SIM_PORT: String(options.simPort),
      KOPPEL_DATA_DIR: options.dataDir,
      ...options.env,
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const keep = (chunk: Buffer) => {
    output += chunk.toString('utf8');
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };

  const ready = await new Promise<boolean>((resolve) => {
    const timer = setTimeout(() => resolve(false), START_TIMEOUT_MS);
    const check = () => {
      if (!output.includes(BANNER_END)) return;
      clearTimeout(timer);
      resolve(true);
    };
    child.stdout!.on('data', check);
    exited.then(() => {
      clearTimeout(timer);
      resolve(output.includes(BANNER_END));
    });
  });
  if (!ready) {
    await stop();
    throw new Error(`npm start printed no banner within ${START_TIMEOUT_MS / 1000} s:\n${output}`);
  }
  return {
    hubUrl: `http://127.0.0.1:${options.hubPort}`,
    output: () => output,
    banner: () => {
      const start = output.indexOf(BANNER_START);
      const end = output.indexOf('\n', output.indexOf(BANNER_END));
      return output.slice(start, end === -1 ? undefined : end);
    },
    stop,
  };
}
