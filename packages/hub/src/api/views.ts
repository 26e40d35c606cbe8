import { z } from 'zod';
import type { ApiTokenRow } from '../storage/api-tokens-repository.ts';
import { type InvitationRow, invitationStatus } from '../storage/invitations-repository.ts';
import { ROLES } from '../storage/schema.ts';
import type { SessionRow } from '../storage/sessions-repository.ts';
import type { UserRow } from '../storage/users-repository.ts';
import type { MemberView, WorkspaceRow } from '../storage/workspaces-repository.ts';
import { iso, Timestamp } from './zod-schemas.ts';

/** Response shapes: explicit allow-lists of fields, so secret columns never reach a client. */

export const RoleSchema = z.enum(ROLES);

export const UserView = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string(),
  totpEnabled: z.boolean(),
  createdAt: Timestamp,
});
export const userView = (u: UserRow): z.input<typeof UserView> => ({
  id: u.id,
  email: u.email,
  name: u.name,
  totpEnabled: u.totpEnabledAt !== null,
  createdAt: iso(u.createdAt),
});

export const WorkspaceView = z.object({
  id: z.uuid(),
  name: z.string(),
  role: RoleSchema,
  createdAt: Timestamp,
});
export const workspaceView = (
  w: WorkspaceRow,
  role: z.infer<typeof RoleSchema>,
): z.input<typeof WorkspaceView> => ({
  id: w.id,
  name: w.name,
  role,
  createdAt: iso(w.createdAt),
});

export const MemberViewSchema = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string(),
  role: RoleSchema,
  joinedAt: Timestamp,
});
export const memberView = (m: MemberView): z.input<typeof MemberViewSchema> => ({
  ...m,
  joinedAt: iso(m.joinedAt),
});

export const ApiTokenView = z.object({
  id: z.uuid(),
  name: z.string(),
  prefix: z.string().meta({ description: 'The first characters of the token, to tell tokens apart' }),
  createdAt: Timestamp,
  lastUsedAt: Timestamp.nullable(),
  expiresAt: Timestamp.nullable(),
});
export const apiTokenView = (t: ApiTokenRow): z.input<typeof ApiTokenView> => ({
  id: t.id,
  name: t.name,
  prefix: t.tokenPrefix,
  createdAt: iso(t.createdAt),
  lastUsedAt: iso(t.lastUsedAt),
  expiresAt: iso(t.expiresAt),
});

export const SessionView = z.object({
  id: z.uuid(),
  current: z.boolean().meta({ description: 'The session this request was made with' }),
  ip: z.string().nullable(),
  userAgent: z.string().nullable(),
  createdAt: Timestamp,
  lastSeenAt: Timestamp,
  expiresAt: Timestamp,
});
export const sessionView = (s: SessionRow, currentId: string | undefined): z.input<typeof SessionView> => ({
  id: s.id,
  current: s.id === currentId,
  ip: s.ip,
  userAgent: s.userAgent,
  createdAt: iso(s.createdAt),
  lastSeenAt: iso(s.lastSeenAt),
  expiresAt: iso(s.expiresAt),
});

export const InvitationView = z.object({
  id: z.uuid(),
  workspaceId: z.uuid(),
  email: z.string(),
  role: RoleSchema,
  status: z.enum(['pending', 'accepted', 'revoked', 'expired']),
  createdAt: Timestamp,
  expiresAt: Timestamp,
});
export const invitationView = (i: InvitationRow, now: Date): z.input<typeof InvitationView> => ({
  id: i.id,
  workspaceId: i.workspaceId,
  email: i.email,
  role: i.role,
  status: invitationStatus(i, now),
  createdAt: iso(i.createdAt),
  expiresAt: iso(i.expiresAt),
});
