export {
  type Access,
  access,
  declareAccess,
  membershipOf,
  type Principal,
  principalOf,
  roleAtLeast,
} from './api/access.ts';
export type { ErrorBody } from './api/error-handler.ts';
export type { RoutePlugin } from './api/route-plugin.ts';
export { EmptyReply, iso, Timestamp, WorkspaceParams, type ZodTypeProvider } from './api/zod-schemas.ts';
export { hashOpaqueToken, newOpaqueToken, TOKEN_PREFIX } from './auth/opaque-tokens.ts';
export { type Clock, systemClock } from './clock.ts';
export { CONFIG_SETTINGS, type HubConfig, IN_MEMORY_DATA_DIR, loadConfig } from './config/config.ts';
export { type DoctorCheck, type DoctorResult, defaultDoctorChecks, runDoctor } from './doctor/doctor.ts';
export { ConfigError, HubError } from './errors.ts';
export { type CreateHubOptions, createHub, type Hub } from './hub.ts';
export type { HubContext, Repositories } from './hub-context.ts';
export { STANDARD_DOCTOR_CHECKS, STANDARD_HUB_OPTIONS } from './hub-modules.ts';
export type { JobDefinition, JobQueue } from './jobs/job-queue.ts';
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
