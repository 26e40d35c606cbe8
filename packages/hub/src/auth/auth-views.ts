import { z } from 'zod';
import { iso, Timestamp } from '../http/zod-schemas.ts';
import type { ApiTokenRow } from './api-tokens-repository.ts';
import type { SessionRow } from './sessions-repository.ts';
import type { UserRow } from './users-repository.ts';

/** Response shapes: explicit allow-lists of fields, so secret columns never reach a client. */

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
