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

/** Every code the hub can answer with (its error catalogue). */
export type ErrorCode = components['schemas']['ErrorCode'];
export type ErrorBody = components['schemas']['ErrorBody'];
