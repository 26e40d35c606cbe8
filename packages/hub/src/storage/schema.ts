import { sql } from 'drizzle-orm';
import {
  bigint,
  boolean,
  check,
  index,
  integer,
  jsonb,
  pgTable,
  primaryKey,
  text,
  timestamp,
  uniqueIndex,
  uuid,
} from 'drizzle-orm/pg-core';

/**
 * The hub's tables. Secret columns end in `_enc` and hold SecretBox envelopes; token-like
 * columns end in `_hash` and hold SHA-256 digests. Adding a column or table: edit this file,
 * then `npm run db:generate -w packages/hub` to write a new migration under `drizzle/`.
 */

const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow();
const updatedAt = () => timestamp('updated_at', { withTimezone: true }).notNull().defaultNow();

/** The owning workspace; its rows go when the workspace is deleted. */
function workspaceId() {
  return uuid('workspace_id')
    .notNull()
    .references(() => workspaces.id, { onDelete: 'cascade' });
}

/** The connection a row belongs to; its rows go when the connection is deleted. */
function connectionId() {
  return uuid('connection_id').references(() => connections.id, { onDelete: 'cascade' });
}

export const ROLES = ['owner', 'admin', 'viewer'] as const;
export type Role = (typeof ROLES)[number];

export const workspaces = pgTable('workspaces', {
  id: uuid('id').primaryKey(),
  name: text('name').notNull(),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const users = pgTable('users', {
  id: uuid('id').primaryKey(),
  /** Stored lower-cased so look-ups and uniqueness ignore case. */
  email: text('email').notNull().unique(),
  name: text('name').notNull(),
  passwordHash: text('password_hash').notNull(),
  totpSecretEnc: text('totp_secret_enc'),
  totpEnabledAt: timestamp('totp_enabled_at', { withTimezone: true }),
  totpPendingSecretEnc: text('totp_pending_secret_enc'),
  /** Last accepted TOTP time step, so a code cannot be replayed within its window. */
  totpLastStep: bigint('totp_last_step', { mode: 'number' }),
  createdAt: createdAt(),
  updatedAt: updatedAt(),
});

export const memberships = pgTable(
  'memberships',
  {
    workspaceId: workspaceId(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    role: text('role').$type<Role>().notNull(),
    createdAt: createdAt(),
  },
  (t) => [
    primaryKey({ columns: [t.workspaceId, t.userId] }),
    index('memberships_user_idx').on(t.userId),
    check('memberships_role_check', sql`${t.role} in ('owner', 'admin', 'viewer')`),
  ],
);

/**
 * One-time recovery codes for two-factor sign-in, usable instead of an authenticator code when
 * the phone is lost. Only the SHA-256 digest is stored (each code carries 80 random bits).
 */
export const totpRecoveryCodes = pgTable(
  'totp_recovery_codes',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    codeHash: text('code_hash').notNull(),
    createdAt: createdAt(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [uniqueIndex('totp_recovery_codes_user_code_idx').on(t.userId, t.codeHash)],
);

export const SESSION_STATES = ['active', 'totp_pending'] as const;
export type SessionState = (typeof SESSION_STATES)[number];

export const sessions = pgTable(
  'sessions',
  {
    id: uuid('id').primaryKey(),
    tokenHash: text('token_hash').notNull().unique(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    state: text('state').$type<SessionState>().notNull(),
    totpAttempts: integer('totp_attempts').notNull().default(0),
    ip: text('ip'),
    userAgent: text('user_agent'),
    createdAt: createdAt(),
    lastSeenAt: timestamp('last_seen_at', { withTimezone: true }).notNull().defaultNow(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
  },
  (t) => [
    index('sessions_user_idx').on(t.userId),
    check('sessions_state_check', sql`${t.state} in ('active', 'totp_pending')`),
  ],
);

export const apiTokens = pgTable(
  'api_tokens',
  {
    id: uuid('id').primaryKey(),
    userId: uuid('user_id')
      .notNull()
      .references(() => users.id, { onDelete: 'cascade' }),
    name: text('name').notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    /** The first characters of the token, shown in lists so a user can tell tokens apart. */
    tokenPrefix: text('token_prefix').notNull(),
    createdAt: createdAt(),
    lastUsedAt: timestamp('last_used_at', { withTimezone: true }),
    expiresAt: timestamp('expires_at', { withTimezone: true }),
  },
  (t) => [index('api_tokens_user_idx').on(t.userId)],
);

export const invitations = pgTable(
  'invitations',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    email: text('email').notNull(),
    role: text('role').$type<Role>().notNull(),
    tokenHash: text('token_hash').notNull().unique(),
    invitedBy: uuid('invited_by').references(() => users.id, { onDelete: 'set null' }),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    acceptedAt: timestamp('accepted_at', { withTimezone: true }),
    acceptedBy: uuid('accepted_by').references(() => users.id, { onDelete: 'set null' }),
    revokedAt: timestamp('revoked_at', { withTimezone: true }),
  },
  (t) => [
    index('invitations_workspace_idx').on(t.workspaceId),
    check('invitations_role_check', sql`${t.role} in ('owner', 'admin', 'viewer')`),
  ],
);

/** Fixed-window counters shared by every process (login throttling). */
export const rateLimits = pgTable('rate_limits', {
  key: text('key').primaryKey(),
  windowStartedAt: timestamp('window_started_at', { withTimezone: true }).notNull(),
  count: integer('count').notNull(),
});

export const EXACT_REGIONS = ['nl', 'be', 'de', 'uk', 'us', 'es', 'fr'] as const;

export const exactApps = pgTable(
  'exact_apps',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    title: text('title').notNull(),
    clientId: text('client_id').notNull(),
    clientSecretEnc: text('client_secret_enc').notNull(),
    webhookSecretEnc: text('webhook_secret_enc'),
    region: text('region').notNull(),
    /** Overrides the region's host, e.g. to point at exact-sim. */
    baseUrl: text('base_url'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [index('exact_apps_workspace_idx').on(t.workspaceId)],
);

export const CONNECTION_STATUSES = ['not_authorized', 'active', 'inactive', 'needs_reauth', 'error'] as const;
export type ConnectionStatus = (typeof CONNECTION_STATUSES)[number];

export const connections = pgTable(
  'connections',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    appId: uuid('app_id')
      .notNull()
      // NO ACTION (checked at statement end) so deleting a workspace cascades through both tables.
      .references(() => exactApps.id),
    name: text('name').notNull(),
    active: boolean('active').notNull().default(true),
    status: text('status').$type<ConnectionStatus>().notNull().default('not_authorized'),
    exactUserId: text('exact_user_id'),
    exactUserName: text('exact_user_name'),
    accessTokenEnc: text('access_token_enc'),
    refreshTokenEnc: text('refresh_token_enc'),
    accessExpiresAt: timestamp('access_expires_at', { withTimezone: true }),
    tokenObtainedAt: timestamp('token_obtained_at', { withTimezone: true }),
    refreshUsedAt: timestamp('refresh_used_at', { withTimezone: true }),
    /**
     * Who may refresh the token pair now, and until when (database time). Taken and released in
     * short statements, so no transaction waits on Exact's token endpoint (Postgres only).
     */
    refreshLeaseOwner: text('refresh_lease_owner'),
    refreshLeaseUntil: timestamp('refresh_lease_until', { withTimezone: true }),
    lastTest: jsonb('last_test'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('connections_workspace_idx').on(t.workspaceId),
    index('connections_app_idx').on(t.appId),
    check(
      'connections_status_check',
      sql`${t.status} in ('not_authorized', 'active', 'inactive', 'needs_reauth', 'error')`,
    ),
  ],
);

export const connectionDivisions = pgTable(
  'connection_divisions',
  {
    connectionId: connectionId().notNull(),
    /** Exact's division code (Int32). */
    code: integer('code').notNull(),
    description: text('description'),
    country: text('country'),
    linked: boolean('linked').notNull().default(false),
    inScope: boolean('in_scope').notNull().default(true),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.connectionId, t.code] })],
);

/** OAuth `state` values: single use, expiring, bound to the session that started the flow. */
export const oauthStates = pgTable(
  'oauth_states',
  {
    id: uuid('id').primaryKey(),
    stateHash: text('state_hash').notNull().unique(),
    sessionId: uuid('session_id')
      .notNull()
      .references(() => sessions.id, { onDelete: 'cascade' }),
    workspaceId: workspaceId(),
    connectionId: connectionId().notNull(),
    returnTo: text('return_to'),
    createdAt: createdAt(),
    expiresAt: timestamp('expires_at', { withTimezone: true }).notNull(),
    usedAt: timestamp('used_at', { withTimezone: true }),
  },
  (t) => [index('oauth_states_expires_idx').on(t.expiresAt)],
);

export const EVENT_LEVELS = ['info', 'warning', 'error'] as const;
export type EventLevel = (typeof EVENT_LEVELS)[number];

export const events = pgTable(
  'events',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    connectionId: connectionId(),
    kind: text('kind').notNull(),
    level: text('level').$type<EventLevel>().notNull().default('info'),
    message: text('message').notNull(),
    details: jsonb('details'),
    createdAt: createdAt(),
  },
  (t) => [
    index('events_workspace_created_idx').on(t.workspaceId, t.createdAt),
    index('events_connection_idx').on(t.connectionId),
    check('events_level_check', sql`${t.level} in ('info', 'warning', 'error')`),
  ],
);

export const alerts = pgTable(
  'alerts',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    connectionId: connectionId(),
    kind: text('kind').notNull(),
    message: text('message').notNull(),
    details: jsonb('details'),
    createdAt: createdAt(),
    notifiedAt: timestamp('notified_at', { withTimezone: true }),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
  },
  (t) => [index('alerts_workspace_idx').on(t.workspaceId), index('alerts_connection_idx').on(t.connectionId)],
);

/**
 * Exact's rate-limit windows per `{clientId}:{division}`, as last reported in X-RateLimit-*
 * headers; shared by every process through the SDK's RateBudget (src/connections/rate-budget.ts).
 */
export const exactRateBudgets = pgTable('exact_rate_budgets', {
  key: text('key').primaryKey(),
  state: jsonb('state').notNull(),
  updatedAt: updatedAt(),
});

export const DESTINATION_KINDS = ['postgres'] as const;
export type DestinationKind = (typeof DESTINATION_KINDS)[number];

/** Where flows write: a workspace resource; `null` on a flow means the hub's own database. */
export const destinations = pgTable(
  'destinations',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    name: text('name').notNull(),
    kind: text('kind').$type<DestinationKind>().notNull(),
    /** Holds the password: sealed, never returned by the API. */
    connectionStringEnc: text('connection_string_enc').notNull(),
    lastTest: jsonb('last_test'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('destinations_workspace_idx').on(t.workspaceId),
    check('destinations_kind_check', sql`${t.kind} in ('postgres')`),
  ],
);

export const FLOW_STATUSES = ['idle', 'running', 'succeeded', 'failed', 'needs_reauth'] as const;
export type FlowStatus = (typeof FLOW_STATUSES)[number];

/** A package set up on a connection: what to move, where to, how and when. */
export const flows = pgTable(
  'flows',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    connectionId: connectionId().notNull(),
    packageId: text('package_id').notNull(),
    name: text('name').notNull(),
    /** Division codes; null = every linked division, now and later. */
    divisions: integer('divisions').array(),
    entities: text('entities').array().notNull(),
    /** Null = the hub's own database. */
    destinationId: uuid('destination_id').references(() => destinations.id),
    settings: jsonb('settings').notNull(),
    /** Five-field cron (UTC). */
    schedule: text('schedule').notNull(),
    enabled: boolean('enabled').notNull().default(false),
    status: text('status').$type<FlowStatus>().notNull().default('idle'),
    lastRunId: uuid('last_run_id'),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('flows_workspace_idx').on(t.workspaceId),
    index('flows_connection_idx').on(t.connectionId),
    check(
      'flows_status_check',
      sql`${t.status} in ('idle', 'running', 'succeeded', 'failed', 'needs_reauth')`,
    ),
  ],
);

/** A stream (flow, division, entity): its latest state and its webhook subscription. */
export const flowStreams = pgTable(
  'flow_streams',
  {
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    division: integer('division').notNull(),
    entity: text('entity').notNull(),
    lastRunId: uuid('last_run_id'),
    lastStatus: text('last_status'),
    /** The cursor after the latest run (the truth is in the destination, beside the rows). */
    cursor: jsonb('cursor'),
    /** Exact's webhook topic this stream is subscribed to, when subscribed. */
    webhookTopic: text('webhook_topic'),
    updatedAt: updatedAt(),
  },
  (t) => [primaryKey({ columns: [t.flowId, t.division, t.entity] })],
);

export const RUN_TRIGGERS = ['schedule', 'manual', 'resync', 'webhook', 'retry'] as const;
export type RunTrigger = (typeof RUN_TRIGGERS)[number];
export const RUN_STATUSES = [
  'queued',
  'running',
  'succeeded',
  'failed',
  'needs_reauth',
  'interrupted',
] as const;
export type RunStatus = (typeof RUN_STATUSES)[number];

/** One run of a flow (all its streams, or the streams a webhook named). */
export const flowRuns = pgTable(
  'flow_runs',
  {
    id: uuid('id').primaryKey(),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    trigger: text('trigger').$type<RunTrigger>().notNull(),
    resync: boolean('resync').notNull().default(false),
    /** Only these streams (`division/entity`); null = every stream of the flow. */
    only: text('only').array(),
    status: text('status').$type<RunStatus>().notNull().default('queued'),
    error: jsonb('error'),
    queuedAt: timestamp('queued_at', { withTimezone: true }).notNull().defaultNow(),
    startedAt: timestamp('started_at', { withTimezone: true }),
    finishedAt: timestamp('finished_at', { withTimezone: true }),
    /**
     * Renewed by the process executing the run; a running run whose heartbeat stopped lost
     * its worker and is marked `interrupted`, and a run that resumes it is queued.
     */
    heartbeatAt: timestamp('heartbeat_at', { withTimezone: true }),
  },
  (t) => [
    index('flow_runs_flow_queued_idx').on(t.flowId, t.queuedAt),
    check(
      'flow_runs_status_check',
      sql`${t.status} in ('queued', 'running', 'succeeded', 'failed', 'needs_reauth', 'interrupted')`,
    ),
    check(
      'flow_runs_trigger_check',
      sql`${t.trigger} in ('schedule', 'manual', 'resync', 'webhook', 'retry')`,
    ),
  ],
);

/** What one stream did in one run. */
export const flowRunStreams = pgTable(
  'flow_run_streams',
  {
    runId: uuid('run_id')
      .notNull()
      .references(() => flowRuns.id, { onDelete: 'cascade' }),
    division: integer('division').notNull(),
    entity: text('entity').notNull(),
    status: text('status').notNull(),
    rowsRead: integer('rows_read').notNull().default(0),
    rowsWritten: integer('rows_written').notNull().default(0),
    rowsDeleted: integer('rows_deleted').notNull().default(0),
    apiCalls: integer('api_calls').notNull().default(0),
    cursorBefore: jsonb('cursor_before'),
    cursorAfter: jsonb('cursor_after'),
    durationMs: integer('duration_ms').notNull().default(0),
    error: jsonb('error'),
    finishedAt: timestamp('finished_at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [primaryKey({ columns: [t.runId, t.division, t.entity] })],
);

export const RECORD_ERROR_STATUSES = ['open', 'retrying', 'resolved'] as const;
export type RecordErrorStatus = (typeof RECORD_ERROR_STATUSES)[number];

/**
 * A record a flow could not move (a row the destination refused, a record Exact rejected):
 * open until a retry moves it or someone resolves it; resolved errors stay as history. One
 * unresolved error per record of a stream: a record failing again updates it.
 */
export const flowRecordErrors = pgTable(
  'flow_record_errors',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    flowId: uuid('flow_id')
      .notNull()
      .references(() => flows.id, { onDelete: 'cascade' }),
    /** The run that last tried the record. */
    runId: uuid('run_id').references(() => flowRuns.id, { onDelete: 'set null' }),
    division: integer('division').notNull(),
    entity: text('entity').notNull(),
    recordKey: text('record_key').notNull(),
    /** The record's code or name, so a person recognises it. */
    recordLabel: text('record_label'),
    code: text('code').notNull(),
    message: text('message').notNull(),
    /** Exact's `Reason` (or the destination's detail) when the refusal came with one. */
    reason: text('reason'),
    /** The record as it was sent; what a retry sends again. */
    payload: jsonb('payload'),
    status: text('status').$type<RecordErrorStatus>().notNull().default('open'),
    attempts: integer('attempts').notNull().default(1),
    /** `retried` (a retry moved it) or `manual` (someone resolved it). */
    resolution: text('resolution'),
    resolvedBy: uuid('resolved_by'),
    resolvedAt: timestamp('resolved_at', { withTimezone: true }),
    createdAt: createdAt(),
    updatedAt: updatedAt(),
  },
  (t) => [
    index('flow_record_errors_workspace_idx').on(t.workspaceId, t.status, t.createdAt),
    index('flow_record_errors_run_idx').on(t.runId),
    uniqueIndex('flow_record_errors_unresolved_idx')
      .on(t.flowId, t.division, t.entity, t.recordKey)
      .where(sql`${t.status} <> 'resolved'`),
    check('flow_record_errors_status_check', sql`${t.status} in ('open', 'retrying', 'resolved')`),
  ],
);

export const ALERT_CHANNEL_KINDS = ['email', 'webhook'] as const;
export type AlertChannelKind = (typeof ALERT_CHANNEL_KINDS)[number];

/** Where a workspace's alerts go: e-mail addresses (over the hub's SMTP) or a signed webhook. */
export const alertChannels = pgTable(
  'alert_channels',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    kind: text('kind').$type<AlertChannelKind>().notNull(),
    /** Comma-separated e-mail addresses, or the webhook's URL. */
    target: text('target').notNull(),
    /** The webhook's signing secret (sealed); null for e-mail. */
    secretEnc: text('secret_enc'),
    createdAt: createdAt(),
  },
  (t) => [
    index('alert_channels_workspace_idx').on(t.workspaceId),
    check('alert_channels_kind_check', sql`${t.kind} in ('email', 'webhook')`),
  ],
);

/**
 * One incident per (rule, subject) while its condition holds: opened (and announced) once,
 * recovered (and announced) once, so a condition that stays true never sends twice.
 */
export const alertIncidents = pgTable(
  'alert_incidents',
  {
    id: uuid('id').primaryKey(),
    workspaceId: workspaceId(),
    rule: text('rule').notNull(),
    /** What the rule is about: a flow, a stream, a connection, a division's budget. */
    subject: text('subject').notNull(),
    message: text('message').notNull(),
    openedAt: timestamp('opened_at', { withTimezone: true }).notNull().defaultNow(),
    recoveredAt: timestamp('recovered_at', { withTimezone: true }),
  },
  (t) => [
    index('alert_incidents_workspace_idx').on(t.workspaceId, t.openedAt),
    uniqueIndex('alert_incidents_open_idx')
      .on(t.workspaceId, t.rule, t.subject)
      .where(sql`${t.recoveredAt} is null`),
  ],
);

/**
 * Who changed what: every state-changing API request (also refused ones), its actor, the
 * resource ids from its URL and its body with secrets replaced. Kept when the actor goes.
 */
export const auditLog = pgTable(
  'audit_log',
  {
    id: uuid('id').primaryKey(),
    workspaceId: uuid('workspace_id').references(() => workspaces.id, { onDelete: 'cascade' }),
    actorUserId: uuid('actor_user_id'),
    actorEmail: text('actor_email'),
    /** `session` or `api_token`; null for an anonymous request (sign-up, sign-in). */
    via: text('via'),
    /** `METHOD /route/:param`, e.g. `PATCH /api/v1/flows/:flowId`. */
    action: text('action').notNull(),
    params: jsonb('params'),
    changes: jsonb('changes'),
    /** The row the route acted on before and after it (secret columns left out); null when none. */
    before: jsonb('before'),
    after: jsonb('after'),
    status: integer('status').notNull(),
    at: timestamp('at', { withTimezone: true }).notNull().defaultNow(),
  },
  (t) => [index('audit_log_workspace_idx').on(t.workspaceId, t.at), index('audit_log_at_idx').on(t.at)],
);
