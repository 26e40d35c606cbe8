import { useQuery } from '@tanstack/react-query';
import { get } from './client.ts';
import type { Connection, ConnectionEvent, Division, ExactApp } from './types.ts';

/** Query keys start with 'workspace' so switching workspaces drops them all at once. */
export const keys = {
  apps: (workspaceId: string) => ['workspace', workspaceId, 'apps'] as const,
  connections: (workspaceId: string) => ['workspace', workspaceId, 'connections'] as const,
  connection: (id: string) => ['workspace', 'connection', id] as const,
  divisions: (id: string) => ['workspace', 'connection', id, 'divisions'] as const,
  events: (id: string) => ['workspace', 'connection', id, 'events'] as const,
};

export const useApps = (workspaceId: string) =>
  useQuery({
    queryKey: keys.apps(workspaceId),
    queryFn: () => get<ExactApp[]>(`/workspaces/${workspaceId}/apps`),
  });

export const useConnections = (workspaceId: string) =>
  useQuery({
    queryKey: keys.connections(workspaceId),
    queryFn: () => get<Connection[]>(`/workspaces/${workspaceId}/connections`),
  });

export const useConnection = (id: string | undefined) =>
  useQuery({
    queryKey: keys.connection(id ?? ''),
    queryFn: () => get<Connection>(`/connections/${id}`),
    enabled: Boolean(id),
  });

export const useDivisions = (id: string | undefined) =>
  useQuery({
    queryKey: keys.divisions(id ?? ''),
    queryFn: () => get<Division[]>(`/connections/${id}/divisions`),
    enabled: Boolean(id),
  });

export const useEvents = (id: string) =>
  useQuery({
    queryKey: keys.events(id),
    queryFn: () => get<ConnectionEvent[]>(`/connections/${id}/events?limit=20`),
  });

/** Where the Authorize button sends the browser: the hub redirects on to Exact's consent screen. */
export function authorizeUrl(connectionId: string, returnTo: string): string {
  const query = new URLSearchParams({ connection: connectionId, returnTo });
  return `/oauth/exact/start?${query}`;
}
