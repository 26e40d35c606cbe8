#!/usr/bin/env node
// exact-sim command line: start a simulator with settings from a JSON file and flags, and
// print the default app, user and divisions so a person can connect at once.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { resolveSettings, SettingsError, type SimulatorOptions } from './config.ts';
import { startSimulator } from './index.ts';
import { StateFileError } from './state/state-file.ts';

const USAGE = `Usage: exact-sim [options]

  --port <n>            port to listen on (default 5080; 0 = any free port)
  --host <address>      address to bind (default 127.0.0.1)
  --seed <n>            seed for generated data and ids (default 1)
  --config <file>       JSON file with settings (see README); flags override it
  --redirect-uri <url>  redirect URI of the default app
                        (default http://127.0.0.1:3000/oauth/exact/callback)
  --control-token <t>   require Authorization: Bearer <t> on /_sim/*
  --frozen-clock        simulated time moves only through POST /_sim/clock
  --state <file>        keep apps, users, divisions' changes, tokens, webhook
                        subscriptions and the clock in this JSON file across restarts
  --help                show this text
`;

function fail(message: string): never {
  process.stderr.write(`exact-sim: ${message}\n\n${USAGE}`);
  process.exit(2);
}

function integerFlag(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) fail(`--${name} must be a whole number, got "${value}"`);
  return Number(value);
}

function readConfig(file: string): SimulatorOptions {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    fail(`cannot read --config ${file}: ${(error as Error).message}`);
  }
  try {
    return JSON.parse(text) as SimulatorOptions;
  } catch (error) {
    fail(`--config ${file} is not valid JSON: ${(error as Error).message}`);
  }
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        config: { type: 'string' },
        'redirect-uri': { type: 'string' },
        'control-token': { type: 'string' },
        'frozen-clock': { type: 'boolean' },
        state: { type: 'string' },
        help: { type: 'boolean' },
      },
      strict: true,
    });
  } catch (error) {
    fail((error as Error).message);
  }
  const flags = parsed.values as Record<string, string | boolean | undefined>;
  if (flags.help) {
    process.stdout.write(USAGE);
    return;
  }
  const fromFile = typeof flags.config === 'string' ? readConfig(flags.config) : undefined;
  const fromFlags: SimulatorOptions = {};
  const port = integerFlag('port', flags.port as string | undefined);
  const seed = integerFlag('seed', flags.seed as string | undefined);
  if (port !== undefined) fromFlags.port = port;
  if (seed !== undefined) fromFlags.seed = seed;
  if (typeof flags.host === 'string') fromFlags.host = flags.host;
  if (typeof flags['redirect-uri'] === 'string')
    fromFlags.defaultApp = { redirectUri: flags['redirect-uri'] };
  if (typeof flags['control-token'] === 'string') fromFlags.controlToken = flags['control-token'];
  if (flags['frozen-clock']) fromFlags.clock = { frozen: true };
  if (typeof flags.state === 'string') fromFlags.stateFile = flags.state;

  let sim: Awaited<ReturnType<typeof startSimulator>>;
  try {
    sim = await startSimulator(resolveSettings(fromFile, fromFlags));
  } catch (error) {
    if (error instanceof SettingsError || error instanceof StateFileError) fail(error.message);
    fail(`could not start: ${(error as Error).message}`);
  }
  const { app, user, divisions } = sim.defaults;
  process.stdout.write(
    [
      `exact-sim listening on ${sim.url}`,
      `  authorize      ${sim.url}/api/oauth2/auth`,
      `  token          ${sim.url}/api/oauth2/token`,
      `  REST API       ${sim.url}/api/v1/{division}/…`,
      `  control API    ${sim.url}/_sim/info`,
      'default app',
      `  client id      ${app.clientId}`,
      `  client secret  ${app.clientSecret}`,
      `  webhook secret ${app.webhookSecret}`,
      `  redirect URI   ${app.redirectUri}`,
      'default user',
      `  username       ${user.username}`,
      `  password       ${user.password}`,
      `divisions        ${divisions.join(', ')}`,
      `clock            ${new Date(sim.clock.now()).toISOString()}${sim.clock.frozen ? ' (frozen)' : ''}`,
      ...(sim.settings.stateFile === undefined ? [] : [`state file       ${sim.settings.stateFile}`]),
      '',
    ].join('\n'),
  );
  const stop = () => {
    sim.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

await main();
