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
