/**
 * The hub API's shapes as the dashboard names them, all taken from openapi.d.ts (generated from
 * the hub's OpenAPI document by scripts/generate-api-types.ts), so they cannot drift from it.
 */
import type { components, paths } from './openapi.d.ts';

type Method = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** The JSON body of a route's success answer (`status`, 200 by default). */
type Answer<P extends keyof paths, M extends Method, S extends number = 200> = paths[P][M] extends {
  responses: { [K in S]: { content: { 'application/json': infer T } } };
}
  ? T
  : never;

export type Me = Answer<'/api/v1/me', 'get'>;
export type User = Me['user'];
export type Workspace = Answer<'/api/v1/workspaces', 'get'>[number];
export type Role = Workspace['role'];
export type LoginResult = Answer<'/api/v1/auth/login', 'post'>;

export type ExactApp = Answer<'/api/v1/workspaces/{workspaceId}/apps', 'get'>[number];
export type Region = ExactApp['region'];
/** The regions in the order the app form offers them. */
export const REGIONS = ['nl', 'be', 'de', 'uk', 'us', 'es', 'fr'] as const satisfies readonly Region[];

export type Connection = Answer<'/api/v1/connections/{connectionId}', 'get'>;
export type ConnectionStatus = Connection['status'];
export type ConnectionTest = Answer<'/api/v1/connections/{connectionId}/test', 'post'>;
export type ExactFailure = NonNullable<ConnectionTest['user']['failure']>;
export type Division = Answer<'/api/v1/connections/{connectionId}/divisions', 'get'>[number];
export type ConnectionEvent = Answer<'/api/v1/connections/{connectionId}/events', 'get'>[number];

export type Member = Answer<'/api/v1/workspaces/{workspaceId}/members', 'get'>[number];
export type Invitation = Answer<'/api/v1/workspaces/{workspaceId}/invitations', 'get'>[number];
export type ApiToken = Answer<'/api/v1/tokens', 'get'>[number];
export type TotpEnabled = Answer<'/api/v1/me/totp/confirm', 'post'>;
export type RecoveryCodesLeft = Answer<'/api/v1/me/totp/recovery-codes', 'get'>;
export type NewRecoveryCodes = Answer<'/api/v1/me/totp/recovery-codes', 'post'>;

/** Every code the hub can answer with (its error catalogue). */
export type ErrorCode = components['schemas']['ErrorCode'];
export type ErrorBody = components['schemas']['ErrorBody'];

// Flows, runs, replicated tables and destinations (issue 8).

/** The body a route takes (`application/json`). */
type Body<P extends keyof paths, M extends Method> = paths[P][M] extends {
  requestBody?: { content: { 'application/json': infer T } };
}
  ? T
  : never;

/**
 * The part of JSON Schema a package's settings use (zod 4's conversion, input side: every
 * property optional with its default and description); the API types it as any object.
 */
export interface SettingsSchema {
  type?: 'object';
  properties?: Record<string, SettingSchema>;
}

export interface SettingSchema {
  type?: 'string' | 'boolean' | 'integer' | 'number';
  enum?: (string | number)[];
  pattern?: string;
  default?: unknown;
  description?: string;
  title?: string;
  minimum?: number;
  maximum?: number;
  maxLength?: number;
}

type PackageAnswer = Answer<'/api/v1/packages', 'get'>[number];
export type FlowPackage = Omit<PackageAnswer, 'settingsSchema'> & { settingsSchema: SettingsSchema };

export type Flow = Answer<'/api/v1/flows/{flowId}', 'get'>;
export type FlowStatus = Flow['status'];
/** What a flow is changed with (PATCH); creating one takes the same plus `packageId`. */
export type FlowChanges = Body<'/api/v1/flows/{flowId}', 'patch'>;
export type NewFlowBody = Body<'/api/v1/connections/{connectionId}/flows', 'post'>;

export type Run = Answer<'/api/v1/runs/{runId}', 'get'>;
export type RunStatus = Run['status'];
export type RunStream = Run['streams'][number];

export type ReplicaTable = Answer<'/api/v1/flows/{flowId}/tables', 'get'>[number];
export type TableRows = Answer<'/api/v1/flows/{flowId}/tables/{table}/rows', 'get'>;

export type Destination = Answer<'/api/v1/workspaces/{workspaceId}/destinations', 'get'>[number];
export type HubDestination = Answer<'/api/v1/workspaces/{workspaceId}/destinations/hub', 'get'>;
export type DestinationTest = Answer<
  '/api/v1/workspaces/{workspaceId}/destinations/{destinationId}/test',
  'post'
>;

// The watcher (issue 9): runs across flows, per-record errors.

export type WatchedRunDetail = Answer<'/api/v1/workspaces/{workspaceId}/runs/{runId}', 'get'>;
export type RecordError = Answer<'/api/v1/workspaces/{workspaceId}/errors', 'get'>[number];
export type ErrorGroup = Answer<'/api/v1/workspaces/{workspaceId}/errors/groups', 'get'>[number];
export type AuditEntry = Answer<'/api/v1/workspaces/{workspaceId}/audit', 'get'>[number];

// Import into Exact (issue 10): preview with a column mapping, uploads and their results per row.

export type ImportPreview = Answer<'/api/v1/flows/{flowId}/imports/preview', 'post'>;
export type ImportUploaded = Answer<'/api/v1/flows/{flowId}/imports', 'post', 202>;
export type ImportSummary = ImportUploaded['import'];
export type ImportResult = Answer<'/api/v1/flows/{flowId}/imports/{importId}', 'get'>;
export type ImportRowStatus = ImportResult['rows'][number]['status'];
