/**
 * The row a state-changing route acts on, found by the route's last URL parameter, so the
 * audit log can show it before and after the change. Only routes that end in the parameter
 * (`PATCH /flows/:flowId`, `DELETE /workspaces/:workspaceId/members/:userId`) have one; a
 * route that creates something records the created resource from its answer instead.
 */
export interface AuditSubject {
  table: string;
  /** Column → URL parameter naming the row. */
  key: Record<string, string>;
}

const SUBJECTS: Record<string, AuditSubject> = {
  workspaceId: { table: 'workspaces', key: { id: 'workspaceId' } },
  appId: { table: 'exact_apps', key: { id: 'appId' } },
  connectionId: { table: 'connections', key: { id: 'connectionId' } },
  flowId: { table: 'flows', key: { id: 'flowId' } },
  destinationId: { table: 'destinations', key: { id: 'destinationId' } },
  channelId: { table: 'alert_channels', key: { id: 'channelId' } },
  invitationId: { table: 'invitations', key: { id: 'invitationId' } },
  tokenId: { table: 'api_tokens', key: { id: 'tokenId' } },
  sessionId: { table: 'sessions', key: { id: 'sessionId' } },
  userId: { table: 'memberships', key: { workspace_id: 'workspaceId', user_id: 'userId' } },
};

/** The subject of `route` (a Fastify URL such as `/api/v1/flows/:flowId`), if it names one. */
export function auditSubjectOf(route: string): AuditSubject | undefined {
  const last = /\/:([A-Za-z]+)$/.exec(route)?.[1];
  return last === undefined ? undefined : SUBJECTS[last];
}
