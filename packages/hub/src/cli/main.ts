#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { type HubConfig, loadConfig } from '../config/config.ts';
import { type DoctorResult, runDoctor, runRemoteDoctor } from '../doctor/doctor.ts';
import { ConfigError, HubError } from '../errors.ts';
import { createHub, type Hub } from '../hub.ts';
import { STANDARD_DOCTOR_CHECKS, STANDARD_HUB_OPTIONS } from '../hub-modules.ts';
import { createLogger } from '../logging/logger.ts';
import { rotateSecrets } from '../secrets/rotate-secrets.ts';
import { migrateDatabase, migrationStatus, openDatabase } from '../storage/database.ts';

interface CommonOptions {
  port?: string;
  host?: string;
  dataDir?: string;
  config?: string;
}

function configFrom(options: CommonOptions): HubConfig {
  const env = { ...process.env };
  if (options.config) env.KOPPEL_CONFIG = options.config;
  return loadConfig(env, {
    overrides: { port: options.port, host: options.host, dataDir: options.dataDir },
  });
}

function withCommonOptions(command: Command): Command {
  return command
    .option('-p, --port <port>', 'HTTP port (KOPPEL_PORT)')
    .option('--host <host>', 'interface to listen on (KOPPEL_HOST)')
    .option('-d, --data-dir <dir>', 'data directory for the embedded database and key file (KOPPEL_DATA_DIR)')
    .option('-c, --config <file>', 'JSON configuration file (KOPPEL_CONFIG)');
}

/** Stops cleanly on SIGINT/SIGTERM: finish requests and running jobs, then close the database. */
function closeOnSignal(hub: Hub): void {
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    hub.logger.info({ signal }, 'shutting down');
    hub.close().then(
      () => process.exit(0),
      (error: Error) => {
        hub.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
}

async function serve(options: CommonOptions, roles: { http: boolean; worker: boolean }): Promise<void> {
  const hub = await createHub(configFrom(options), STANDARD_HUB_OPTIONS);
  closeOnSignal(hub);
  if (roles.worker) await hub.startWorker();
  if (roles.http) {
    const address = await hub.listen();
    hub.logger.info(
      { address, publicUrl: hub.ctx.config.publicUrl, worker: roles.worker },
      'koppel hub listening',
    );
  } else {
    hub.logger.info({ jobs: hub.ctx.jobs.definitions.map((d) => d.name) }, 'koppel worker running');
  }
}

const program = new Command()
  .name('koppel')
  .description('Koppel, the self-hosted Exact Online integration hub')
  .showHelpAfterError();

withCommonOptions(program.command('start'))
  .description('run the HTTP server and the job worker in one process (the embedded default)')
  .action((options: CommonOptions) => serve(options, { http: true, worker: true }));

withCommonOptions(program.command('server'))
  .description('run only the HTTP server (scale out with several servers behind a load balancer)')
  .action((options: CommonOptions) => serve(options, { http: true, worker: false }));

withCommonOptions(program.command('worker'))
  .description('run only the job worker (any number, on any machine, sharing one Postgres)')
  .action((options: CommonOptions) => serve(options, { http: false, worker: true }));

withCommonOptions(program.command('migrate'))
  .description('apply pending database migrations and exit')
  .action(async (options: CommonOptions) => {
    const config = configFrom(options);
    const database = await openDatabase({
      databaseUrl: config.databaseUrl,
      dataDir: config.dataDir,
      poolSize: 2,
    });
    try {
      const before = await migrationStatus(database);
      await migrateDatabase(database);
      const after = await migrationStatus(database);
      console.log(
        `${database.location}: applied ${after.applied - before.applied} migration(s); ${after.applied} of ${after.expected} in place.`,
      );
    } finally {
      await database.close();
    }
  });

withCommonOptions(program.command('doctor'))
  .description('check the database, the secret key and that the public URL reaches this hub')
  .option('--json', 'print the results as JSON')
  .action(async (options: CommonOptions & { json?: boolean }) => {
    const config = configFrom(options);
    let results: DoctorResult[];
    try {
      const hub = await createHub(
        { ...config, logLevel: 'error' },
        { ...STANDARD_HUB_OPTIONS, migrate: false },
      );
      try {
        results = await runDoctor(hub.ctx, STANDARD_DOCTOR_CHECKS);
      } finally {
        await hub.close();
      }
    } catch (error) {
      if (!(error instanceof HubError && error.code === 'data_dir_in_use')) throw error;
      results = await runRemoteDoctor(config, error.message);
    }
    if (options.json) {
      console.log(JSON.stringify(results, null, 2));
    } else {
      for (const r of results) console.log(`${r.status.toUpperCase().padEnd(4)} ${r.check}: ${r.message}`);
    }
    if (results.some((r) => r.status === 'fail')) process.exitCode = 1;
  });

withCommonOptions(program.command('rotate-secrets'))
  .description(
    're-encrypt every stored secret under KOPPEL_SECRET_KEY; keep the old key in KOPPEL_PREVIOUS_SECRET_KEYS until this has run',
  )
  .action(async (options: CommonOptions) => {
    const config = configFrom(options);
    const hub = await createHub({ ...config, logLevel: 'error' });
    try {
      const report = await rotateSecrets(hub.db, hub.ctx.secrets);
      console.log(
        `Re-encrypted ${report.resealed} secret(s) under key ${hub.ctx.secrets.currentKeyId} (${report.skipped} changed meanwhile and were already current) in ${report.columns.join(', ')}.`,
      );
    } finally {
      await hub.close();
    }
  });

program
  .command('generate-key')
  .description('print a new random KOPPEL_SECRET_KEY')
  .action(() => console.log(randomBytes(32).toString('base64')));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof ConfigError || error instanceof HubError) {
    console.error(error.message);
  } else {
    createLogger('error').error({ err: error }, 'koppel failed');
  }
  process.exit(1);
}
