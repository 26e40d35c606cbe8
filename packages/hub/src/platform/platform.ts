import type { DestinationStream, Logger } from 'pino';
import { type Clock, systemClock } from '../clock.ts';
import { type HubConfig, IN_MEMORY_DATA_DIR } from '../config/config.ts';
import { createLogger } from '../logging/logger.ts';
import { prettyLogStream, resolveLogFormat } from '../logging/pretty-log.ts';
import { loadSecretBox, type SecretBox } from '../secrets/secret-box.ts';
import { type Database, type Db, migrateDatabase, openDatabase } from '../storage/database.ts';
import { PublicUrl } from './public-url.ts';

/**
 * The ground every feature stands on: configuration, time, logging, the database and the
 * secret box. Built once per process; features receive the parts they use.
 */
export interface Platform {
  config: HubConfig;
  clock: Clock;
  logger: Logger;
  database: Database;
  db: Db;
  secrets: SecretBox;
  publicUrl: PublicUrl;
}

export interface OpenPlatformOptions {
  /** Time source (tests move it forward). */
  clock?: Clock;
  /** Where log lines go (default stdout). */
  logDestination?: DestinationStream;
  /** Seed for a new embedded database (see OpenDatabaseOptions.pgliteTemplate). */
  pgliteTemplate?: Blob;
  /** Apply pending migrations on start (default true). */
  migrate?: boolean;
}

/** Opens the database (migrated unless `migrate: false`), loads the secret key, creates the logger. */
export async function openPlatform(config: HubConfig, options: OpenPlatformOptions = {}): Promise<Platform> {
  const logger = createLogger(
    config.logLevel,
    options.logDestination ??
      (resolveLogFormat(config.logFormat, process.stdout.isTTY === true) === 'pretty'
        ? prettyLogStream(process.stdout, config.logLevel)
        : undefined),
  );
  const { box: secrets, origin } = loadSecretBox(config, config.dataDir === IN_MEMORY_DATA_DIR);
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: config.databasePoolSize,
    pgliteTemplate: options.pgliteTemplate,
  });
  try {
    if (options.migrate !== false) await migrateDatabase(database);
  } catch (error) {
    // Release the database (and the data-dir lock) so the caller can fix the cause and retry.
    await database.close();
    throw error;
  }
  logger.debug({ database: database.location, secretKey: origin }, 'platform ready');
  return {
    config,
    clock: options.clock ?? systemClock,
    logger,
    database,
    db: database.db,
    secrets,
    publicUrl: PublicUrl.fromConfig(config),
  };
}
