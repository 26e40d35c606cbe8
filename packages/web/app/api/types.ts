/** Response shapes of the hub API (see /api/openapi.json); only the fields the dashboard reads. */

export type Role = 'viewer' | 'admin' | 'owner';

export interface User {
  id: string;
  email: string;
  name: string;
  totpEnabled: boolean;
  createdAt: string;
}

export interface Workspace {
  id: string;
  name: string;
  role: Role;
  createdAt: string;
}

export interface Me {
  user: User;
  workspaces: Workspace[];
  via: 'session' | 'api_token';
  csrfToken: string | null;
}

export type LoginResult =
  | { status: 'signed_in'; user: User; csrfToken: string }
  | { status: 'totp_required'; csrfToken: string };

export const REGIONS = ['nl', 'be', 'de', 'uk', 'us', 'es', 'fr'] as const;
export type Region = (typeof REGIONS)[number];

export interface ExactApp {
  id: string;
  workspaceId: string;
  title: string;
  clientId: string;
  hasClientSecret: boolean;
  hasWebhookSecret: boolean;
  region: Region;
  baseUrl: string | null;
  redirectUri: string;
  createdAt: string;
  updatedAt: string;
}

export type ConnectionStatus = 'not_authorized' | 'active' | 'inactive' | 'needs_reauth' | 'error';

export interface ExactFailure {
  category: string;
  code: string;
  reason: string | null;
  message: string;
}

export interface ConnectionTest {
  ok: boolean;
  testedAt: string;
  user: { ok: boolean; name: string | null; failure: ExactFailure | null };
  scope: { ok: boolean; failure: ExactFailure | null };
  divisions: { code: number; description: string | null; ok: boolean; failure: ExactFailure | null }[];
  summary: string;
}

export interface Connection {
  id: string;
  workspaceId: string;
  appId: string;
  name: string;
  active: boolean;
  status: ConnectionStatus;
  exactUser: { id: string | null; name: string | null } | null;
  authorized: boolean;
  tokensObtainedAt: string | null;
  lastTest: ConnectionTest | null;
  createdAt: string;
  updatedAt: string;
}

export interface Division {
  code: number;
  description: string | null;
  country: string | null;
  linked: boolean;
  inScope: boolean;
  updatedAt: string;
}

export interface ConnectionEvent {
  id: string;
  kind: string;
  level: 'info' | 'warning' | 'error';
  message: string;
  details: unknown;
  createdAt: string;
}

export interface Member {
  userId: string;
  email: string;
  name: string;
  role: Role;
  joinedAt: string;
}

export interface Invitation {
  id: string;
  workspaceId: string;
  email: string;
  role: Role;
  status: 'pending' | 'accepted' | 'revoked' | 'expired';
  createdAt: string;
  expiresAt: string;
}

export interface ApiToken {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  expiresAt: string | null;
}

// Flows, runs and destinations (issue 8). Kept together so they move as one block when the
// types are generated from the OpenAPI document.

/** A flow's settings as JSON Schema (zod 4, input side): every property optional with its default. */
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
}

export interface FlowPackage {
  id: string;
  title: string;
  description: string;
  entities: { name: string; title: string; byDefault: boolean; webhookTopic: string | null }[];
  settingsSchema: SettingsSchema;
}

export type FlowStatus = 'idle' | 'running' | 'succeeded' | 'failed' | 'needs_reauth';

export interface Flow {
  id: string;
  workspaceId: string;
  connectionId: string;
  packageId: string;
  name: string;
  /** null = every linked division, now and later. */
  divisions: number[] | null;
  entities: string[];
  /** null = the hub's own database. */
  destinationId: string | null;
  settings: Record<string, unknown>;
  /** Five-field cron, UTC. */
  schedule: string;
  enabled: boolean;
  status: FlowStatus;
  lastRunId: string | null;
  createdAt: string;
  updatedAt: string;
}

/** What a flow is created or changed with; only `packageId` is required on create. */
export interface FlowInput {
  packageId?: string;
  name?: string;
  divisions?: number[] | null;
  entities?: string[];
  destinationId?: string | null;
  settings?: Record<string, unknown>;
  schedule?: string;
  enabled?: boolean;
}

export type RunStatus = 'queued' | 'running' | 'succeeded' | 'failed' | 'needs_reauth';

export interface RunFailure {
  code: string;
  message: string;
}

export interface RunStream {
  division: number;
  entity: string;
  status: 'succeeded' | 'failed' | 'skipped';
  rowsRead: number;
  rowsWritten: number;
  rowsDeleted: number;
  apiCalls: number;
  cursorBefore: { rows: string; deleted: string } | null;
  cursorAfter: { rows: string; deleted: string } | null;
  durationMs: number;
  error: RunFailure | null;
  finishedAt: string;
}

export interface Run {
  id: string;
  flowId: string;
  trigger: 'schedule' | 'manual' | 'resync' | 'webhook';
  resync: boolean;
  only: string[] | null;
  status: RunStatus;
  error: RunFailure | null;
  queuedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  totals: { rowsRead: number; rowsWritten: number; rowsDeleted: number; apiCalls: number };
  streams: RunStream[];
}

export interface ReplicaTable {
  schema: string;
  table: string;
  entity: string;
  exists: boolean;
  rows: number;
  deletedRows: number;
}

export interface TableRows {
  columns: string[];
  rows: Record<string, unknown>[];
}

export interface Destination {
  id: string;
  workspaceId: string;
  name: string;
  kind: 'postgres';
  /** The connection string without its password. */
  location: string;
  lastTest: DestinationTest | null;
  createdAt: string;
  updatedAt: string;
}

export interface HubDestination {
  name: string;
  location: string;
  note: string;
}

export interface DestinationTest {
  ok: boolean;
  serverVersion: string | null;
  database: string | null;
  user: string | null;
  canCreateSchema: boolean;
  error: RunFailure | null;
}
