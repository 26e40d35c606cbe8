export {
  type AppServices,
  type BuildAppServicesOptions,
  buildAppServices,
  type Repositories,
} from './app/app-services.ts';
export type { Feature } from './app/feature.ts';
export {
  authFeature,
  CORE_FEATURES,
  connectionsFeature,
  STANDARD_FEATURES,
  webUiFeature,
  workspacesFeature,
} from './app/features.ts';
export { type CreateHubOptions, createHub, type Hub, serveHttp } from './cli/hub.ts';
export { type Clock, systemClock } from './clock.ts';
export { CONFIG_SETTINGS, type HubConfig, IN_MEMORY_DATA_DIR, loadConfig } from './config/config.ts';
export { type DoctorCheck, type DoctorResult, platformDoctorChecks, runDoctor } from './doctor/doctor.ts';
export { ConfigError, HubError } from './errors/hub-error.ts';
export {
  type Access,
  access,
  declareAccess,
  membershipOf,
  type Principal,
  principalOf,
  roleAtLeast,
} from './http/access.ts';
export type { ErrorBody } from './http/error-reply.ts';
export type { RoutePlugin } from './http/route-plugin.ts';
export { EmptyReply, iso, Timestamp, WorkspaceParams, type ZodTypeProvider } from './http/zod-schemas.ts';
export { defineJob, type JobDefinition, type JobOptions, type JobRun } from './jobs/job-definition.ts';
export type { JobQueue } from './jobs/job-queue.ts';
export type { Platform } from './platform/platform.ts';
export { PublicUrl } from './platform/public-url.ts';
export { hashOpaqueToken, newOpaqueToken, TOKEN_PREFIX } from './secrets/opaque-tokens.ts';
export { type RotationReport, rotateSecrets, secretContext } from './secrets/rotate-secrets.ts';
export { SecretBox, SecretDecryptError } from './secrets/secret-box.ts';
export {
  type Database,
  type Db,
  migrateDatabase,
  migrationStatus,
  openDatabase,
  queryRows,
} from './storage/database.ts';
export * as schema from './storage/schema.ts';
