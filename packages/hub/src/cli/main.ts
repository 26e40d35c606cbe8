#!/usr/bin/env node
import { randomBytes } from 'node:crypto';
import { Command } from 'commander';
import { type AppServices, buildAppServices } from '../app/app-services.ts';
import { CORE_FEATURES, STANDARD_FEATURES } from '../app/features.ts';
import { describeConfig, type HubConfig, loadConfig } from '../config/config.ts';
import { type DoctorResult, runDoctor, runRemoteDoctor } from '../doctor/doctor.ts';
import { ConfigError, HubError } from '../errors/hub-error.ts';
import { createLogger } from '../logging/logger.ts';
import { PublicUrl } from '../platform/public-url.ts';
import { rotateSecrets } from '../secrets/rotate-secrets.ts';
import { migrateDatabase, migrationStatus, openDatabase } from '../storage/database.ts';
import { servePgliteSocket } from '../storage/pglite-socket.ts';
import { serveHttp } from './hub.ts';
import { describeStartUpFailure } from './start-up-failure.ts';

interface CommonOptions {
  port?: string;
  host?: string;
  dataDir?: string;
  config?: string;
}

/** The configuration being started with, for start-up failure messages. */
let startingConfig: HubConfig | undefined;

function configFrom(options: CommonOptions): HubConfig {
  const env = { ...process.env };
  if (options.config) env.KOPPEL_CONFIG = options.config;
  startingConfig = loadConfig(env, {
    overrides: { port: options.port, host: options.host, dataDir: options.dataDir },
  });
  return startingConfig;
}

function withCommonOptions(command: Command): Command {
  return command
    .option('-p, --port <port>', 'HTTP port (KOPPEL_PORT)')
    .option('--host <host>', 'interface to listen on (KOPPEL_HOST)')
    .option('-d, --data-dir <dir>', 'data directory for the embedded database and key file (KOPPEL_DATA_DIR)')
    .option('-c, --config <file>', 'JSON configuration file (KOPPEL_CONFIG)');
}

/**
 * Stops cleanly on SIGINT/SIGTERM: finish requests, tell running jobs through their AbortSignal
 * and wait for them briefly, then close the database.
 */
function closeOnSignal(services: AppServices, close: () => Promise<void>): { readonly stopping: boolean } {
  const shutdown = { stopping: false };
  const stop = (signal: string) => {
    if (shutdown.stopping) return;
    shutdown.stopping = true;
    services.platform.logger.info({ signal }, 'shutting down');
    close().then(
      () => process.exit(0),
      (error: Error) => {
        services.platform.logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
  return shutdown;
}

/** One services object per process; HTTP only for `start` and `server`, jobs only for `start` and `worker`. */
async function serve(options: CommonOptions, roles: { http: boolean; worker: boolean }): Promise<void> {
  const services = await buildAppServices(configFrom(options), { features: STANDARD_FEATURES });
  const { logger } = services.platform;
  // A signal while starting up closes everything; the steps after it must not run (nor say they did).
  if (!roles.http) {
    const shutdown = closeOnSignal(services, () => services.close());
    await services.jobs.work();
    if (shutdown.stopping) return;
    logger.info({ jobs: services.jobs.definitions.map((d) => d.name) }, 'koppel worker running');
    return;
  }
  const hub = await serveHttp(services);
  const { pglite } = services.platform.database;
  const socketPort = services.platform.config.pgliteSocketPort;
  const socket =
    roles.worker && pglite && socketPort !== undefined
      ? await servePgliteSocket(pglite, socketPort)
      : undefined;
  if (socket)
    logger.info({ port: socketPort }, 'embedded database served on 127.0.0.1 over the Postgres protocol');
  const shutdown = closeOnSignal(services, async () => {
    await socket?.close();
    await hub.close();
  });
  if (roles.worker) await hub.startWorker();
  if (shutdown.stopping) return;
  const address = await hub.listen();
  logger.info(
    { address, publicUrl: services.platform.publicUrl.value, worker: roles.worker },
    'koppel hub listening',
  );
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
      const services = await buildAppServices(
        { ...config, logLevel: 'error' },
        { features: STANDARD_FEATURES, migrate: false },
      );
      try {
        results = await runDoctor(services.features.flatMap((f) => f.doctorChecks?.(services) ?? []));
      } finally {
        await services.close();
      }
    } catch (error) {
      if (!(error instanceof HubError && error.code === 'data_dir_in_use')) throw error;
      results = await runRemoteDoctor(PublicUrl.fromConfig(config).value, error.message, config.metricsToken);
    }
    if (options.json) {
      console.log(JSON.stringify(results, null, 2));
    } else {
      console.log('Configuration (secrets redacted):');
      for (const { env, value } of describeConfig(config)) console.log(`  ${env.padEnd(28)} ${value}`);
      console.log('');
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
    const { platform, close } = await buildAppServices(
      { ...config, logLevel: 'error' },
      { features: CORE_FEATURES },
    );
    try {
      const report = await rotateSecrets(platform.db, platform.secrets);
      console.log(
        `Re-encrypted ${report.resealed} secret(s) under key ${platform.secrets.currentKeyId} (${report.skipped} changed meanwhile and were already current) in ${report.columns.join(', ')}.`,
      );
    } finally {
      await close();
    }
  });

program
  .command('generate-key')
  .description('print a new random KOPPEL_SECRET_KEY')
  .action(() => console.log(randomBytes(32).toString('base64')));

try {
  await program.parseAsync(process.argv);
} catch (error) {
  const startUpFailure = describeStartUpFailure(error, startingConfig);
  if (error instanceof ConfigError || error instanceof HubError) {
    console.error(error.message);
  } else if (startUpFailure) {
    console.error(startUpFailure);
  } else {
    createLogger('error').error({ err: error }, 'koppel failed');
  }
  process.exit(1);
}
