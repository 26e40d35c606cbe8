import { useQuery } from '@tanstack/react-query';
import { get } from './client.ts';
import type {
  Connection,
  ConnectionEvent,
  Destination,
  Division,
  ExactApp,
  Flow,
  FlowPackage,
  HubDestination,
  ImportResult,
  ImportSummary,
  ReplicaTable,
  Run,
  RunStatus,
  TableRows,
} from './types.ts';

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

export const flowKeys = {
  packages: ['packages'] as const,
  flows: (workspaceId: string) => ['workspace', workspaceId, 'flows'] as const,
  connectionFlows: (connectionId: string) => ['workspace', 'connection', connectionId, 'flows'] as const,
  flow: (id: string) => ['workspace', 'flow', id] as const,
  runs: (flowId: string, limit?: number) =>
    ['workspace', 'flow', flowId, 'runs', ...(limit ? [limit] : [])] as const,
  imports: (flowId: string) => ['workspace', 'flow', flowId, 'imports'] as const,
  importResult: (flowId: string, importId: string) =>
    ['workspace', 'flow', flowId, 'imports', importId] as const,
  tables: (flowId: string) => ['workspace', 'flow', flowId, 'tables'] as const,
  rows: (flowId: string, table: string) => ['workspace', 'flow', flowId, 'tables', table] as const,
  destinations: (workspaceId: string) => ['workspace', workspaceId, 'destinations'] as const,
  hubDestination: (workspaceId: string) => ['workspace', workspaceId, 'destinations', 'hub'] as const,
};

/** While a run waits or works, its numbers change every second or so. */
const ACTIVE: ReadonlySet<RunStatus> = new Set(['queued', 'running']);
export const isActive = (run: Pick<Run, 'status'>) => ACTIVE.has(run.status);
const POLL_MS = 1500;

export const usePackages = () =>
  useQuery({
    queryKey: flowKeys.packages,
    queryFn: () => get<FlowPackage[]>('/packages'),
    staleTime: 300_000,
  });

export const useFlows = (workspaceId: string) =>
  useQuery({
    queryKey: flowKeys.flows(workspaceId),
    queryFn: () => get<Flow[]>(`/workspaces/${workspaceId}/flows`),
    refetchInterval: (query) => (query.state.data?.some((f) => f.status === 'running') ? POLL_MS : false),
  });

export const useConnectionFlows = (connectionId: string) =>
  useQuery({
    queryKey: flowKeys.connectionFlows(connectionId),
    queryFn: () => get<Flow[]>(`/connections/${connectionId}/flows`),
  });

export const useFlow = (id: string) =>
  useQuery({ queryKey: flowKeys.flow(id), queryFn: () => get<Flow>(`/flows/${id}`) });

export const useRuns = (flowId: string, limit = 20) =>
  useQuery({
    queryKey: flowKeys.runs(flowId, limit),
    queryFn: () => get<Run[]>(`/flows/${flowId}/runs?limit=${limit}`),
    refetchInterval: (query) => (query.state.data?.some(isActive) ? POLL_MS : false),
  });

export const useTables = (flowId: string | undefined) =>
  useQuery({
    queryKey: flowKeys.tables(flowId ?? ''),
    queryFn: () => get<ReplicaTable[]>(`/flows/${flowId}/tables`),
    enabled: Boolean(flowId),
  });

export const useTableRows = (flowId: string, table: string | undefined, limit = 20) =>
  useQuery({
    queryKey: flowKeys.rows(flowId, table ?? ''),
    queryFn: () => get<TableRows>(`/flows/${flowId}/tables/${table}/rows?limit=${limit}`),
    enabled: Boolean(table),
  });

export const useDestinations = (workspaceId: string) =>
  useQuery({
    queryKey: flowKeys.destinations(workspaceId),
    queryFn: () => get<Destination[]>(`/workspaces/${workspaceId}/destinations`),
  });

export const useHubDestination = (workspaceId: string) =>
  useQuery({
    queryKey: flowKeys.hubDestination(workspaceId),
    queryFn: () => get<HubDestination>(`/workspaces/${workspaceId}/destinations/hub`),
    staleTime: 300_000,
  });

/** Rows of an import the results table loads (the CSV download holds them all). */
export const IMPORT_ROWS_SHOWN = 1000;

export const useImports = (flowId: string) =>
  useQuery({
    queryKey: flowKeys.imports(flowId),
    queryFn: async () => (await get<{ imports: ImportSummary[] }>(`/flows/${flowId}/imports`)).imports,
  });

/** An import's rows; followed while rows still wait for the run. */
export const useImportResult = (flowId: string, importId: string | undefined) =>
  useQuery({
    queryKey: flowKeys.importResult(flowId, importId ?? ''),
    queryFn: () => get<ImportResult>(`/flows/${flowId}/imports/${importId}?limit=${IMPORT_ROWS_SHOWN}`),
    enabled: Boolean(importId),
    refetchInterval: (query) => ((query.state.data?.import.counts.pending ?? 0) > 0 ? POLL_MS : false),
  });
