import { z } from 'zod';
import { iso, Timestamp } from '../http/zod-schemas.ts';
import { ROLES } from '../storage/schema.ts';
import { type InvitationRow, invitationStatus } from './invitations-repository.ts';
import type { MemberView, WorkspaceRow } from './workspaces-repository.ts';

/** Response shapes: explicit allow-lists of fields. */

export const RoleSchema = z.enum(ROLES);

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
