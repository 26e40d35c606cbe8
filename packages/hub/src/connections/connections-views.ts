import { z } from 'zod';
import { iso, Timestamp } from '../http/zod-schemas.ts';
import { CONNECTION_STATUSES, EXACT_REGIONS } from '../storage/schema.ts';
import type { ExactAppRow } from './apps-repository.ts';
import type { ConnectionDivisionRow, ConnectionRow } from './connections-repository.ts';
import { FAILURE_CATEGORIES } from './exact-failure.ts';

/** Response shapes of apps and connections: secrets only ever appear as `has…` flags. */

export const RegionSchema = z.enum(EXACT_REGIONS);

export const ExactAppView = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  title: z.string(),
  clientId: z.string(),
  hasClientSecret: z.boolean(),
  hasWebhookSecret: z.boolean(),
  region: RegionSchema,
  baseUrl: z.string().nullable().meta({ description: "Overrides the region's host (e.g. an exact-sim URL)" }),
  redirectUri: z
    .string()
    .meta({ description: "Paste this into the app's registration in Exact's App Center" }),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const exactAppView = (app: ExactAppRow, redirectUri: string): z.input<typeof ExactAppView> => ({
  id: app.id,
  workspaceId: app.workspaceId,
  title: app.title,
  clientId: app.clientId,
  hasClientSecret: app.clientSecretEnc !== '',
  hasWebhookSecret: app.webhookSecretEnc !== null,
  region: app.region as z.infer<typeof RegionSchema>,
  baseUrl: app.baseUrl,
  redirectUri,
  createdAt: iso(app.createdAt),
  updatedAt: iso(app.updatedAt),
});

export const ExactFailureView = z.object({
  category: z.enum(FAILURE_CATEGORIES),
  code: z.string(),
  reason: z.string().nullable().meta({ description: "Exact's Reason header, e.g. NoDivisionAccess" }),
  message: z.string(),
});

export const ConnectionTestView = z.object({
  ok: z.boolean(),
  testedAt: Timestamp,
  user: z.object({ ok: z.boolean(), name: z.string().nullable(), failure: ExactFailureView.nullable() }),
  scope: z.object({ ok: z.boolean(), failure: ExactFailureView.nullable() }),
  divisions: z.array(
    z.object({
      code: z.number().int(),
      description: z.string().nullable(),
      ok: z.boolean(),
      failure: ExactFailureView.nullable(),
    }),
  ),
  summary: z.string(),
});

export const ConnectionView = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  appId: z.uuid(),
  name: z.string(),
  active: z.boolean(),
  status: z.enum(CONNECTION_STATUSES),
  exactUser: z
    .object({ id: z.string().nullable(), name: z.string().nullable() })
    .nullable()
    .meta({ description: 'The Exact user who authorized the connection (current/Me)' }),
  authorized: z.boolean().meta({ description: 'True when the hub holds a token pair' }),
  tokensObtainedAt: Timestamp.nullable(),
  lastTest: ConnectionTestView.nullable(),
  createdAt: Timestamp,
  updatedAt: Timestamp,
});
export const connectionView = (c: ConnectionRow): z.input<typeof ConnectionView> => ({
  id: c.id,
  workspaceId: c.workspaceId,
  appId: c.appId,
  name: c.name,
  active: c.active,
  status: c.status,
  exactUser: c.exactUserId || c.exactUserName ? { id: c.exactUserId, name: c.exactUserName } : null,
  authorized: c.refreshTokenEnc !== null,
  tokensObtainedAt: iso(c.tokenObtainedAt),
  lastTest: (c.lastTest as z.input<typeof ConnectionTestView> | null) ?? null,
  createdAt: iso(c.createdAt),
  updatedAt: iso(c.updatedAt),
});

export const DivisionView = z.object({
  code: z.number().int(),
  description: z.string().nullable(),
  country: z.string().nullable(),
  linked: z.boolean(),
  inScope: z
    .boolean()
    .meta({ description: 'False when Exact no longer lists the division for this connection' }),
  updatedAt: Timestamp,
});
export const divisionView = (d: ConnectionDivisionRow): z.input<typeof DivisionView> => ({
  code: d.code,
  description: d.description,
  country: d.country,
  linked: d.linked,
  inScope: d.inScope,
  updatedAt: iso(d.updatedAt),
});
