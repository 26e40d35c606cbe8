import { Badge, Button, Card, Code, Group, Select, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { get, post } from '../api/client.ts';
import { useFlows } from '../api/queries.ts';
import type { ErrorGroup, RecordError, Run, RunStatus } from '../api/types.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { Loading } from '../components/loading.tsx';
import { notifyDone } from '../components/notify.ts';
import { RunStatusBadge } from '../components/run-status-badge.tsx';
import { useSession } from '../session.tsx';

type ErrorAction = 'retry' | 'resolve';

/** Retry (send again) and Resolve (close by hand) for one error or a group of them. */
function RetryResolve({ onAct, suffix = '' }: { onAct: (verb: ErrorAction) => void; suffix?: string }) {
  return (
    <Group gap="xs" wrap="nowrap">
      <Button size="xs" onClick={() => onAct('retry')}>
        Retry{suffix}
      </Button>
      <Button size="xs" variant="default" onClick={() => onAct('resolve')}>
        Resolve{suffix}
      </Button>
    </Group>
  );
}

const RUN_STATUSES: RunStatus[] = ['queued', 'running', 'succeeded', 'failed', 'needs_reauth', 'interrupted'];
const watcherKey = (workspaceId: string) => ['workspace', workspaceId, 'watcher'] as const;

/** Is everything working, and if not, what to do: runs across flows and their per-record errors. */
export function WatcherPage() {
  const { workspace, canAdmin } = useSession();
  const queryClient = useQueryClient();
  const flows = useFlows(workspace.id);
  const [status, setStatus] = useState<string | null>(null);
  const [flowId, setFlowId] = useState<string | null>(null);
  const [selected, setSelected] = useState<string | null>(null);
  const base = `/workspaces/${workspace.id}`;
  const filter = new URLSearchParams({
    limit: '50',
    ...(status ? { status } : {}),
    ...(flowId ? { flowId } : {}),
  });
  const runs = useQuery({
    queryKey: [...watcherKey(workspace.id), 'runs', filter.toString()],
    queryFn: () => get<Run[]>(`${base}/runs?${filter}`),
    refetchInterval: 3000,
  });
  const groups = useQuery({
    queryKey: [...watcherKey(workspace.id), 'groups'],
    queryFn: () => get<ErrorGroup[]>(`${base}/errors/groups?status=open`),
    refetchInterval: 3000,
  });
  const errors = useQuery({
    queryKey: [...watcherKey(workspace.id), 'errors'],
    queryFn: () => get<RecordError[]>(`${base}/errors?limit=200`),
    refetchInterval: 3000,
  });
  const refresh = () => queryClient.invalidateQueries({ queryKey: watcherKey(workspace.id) });
  const act = useMutation({
    mutationFn: (action: { verb: ErrorAction; body: Record<string, unknown> }) =>
      post(`${base}/errors/${action.verb}`, action.body),
    onSuccess: async (_, action) => {
      notifyDone(action.verb === 'retry' ? 'Retry queued' : 'Errors resolved');
      await refresh();
    },
  });
  const retryRun = useMutation({
    mutationFn: (runId: string) => post(`${base}/runs/${runId}/retry`),
    onSuccess: async () => {
      notifyDone('Run queued again');
      await refresh();
    },
  });
  const flowName = (id: string) => flows.data?.find((flow) => flow.id === id)?.name ?? id.slice(0, 8);
  const open = errors.data?.filter((error) => error.status !== 'resolved') ?? [];
  const shown = selected ? (errors.data ?? []).filter((error) => error.runId === selected) : open;

  return (
    <Stack>
      <div>
        <Title order={2}>Watcher</Title>
        <Text c="dimmed" size="sm">
          Every run of every flow, and the records that could not be moved: retry them after fixing the cause,
          or resolve them.
        </Text>
      </div>
      <ErrorAlert
        error={runs.error ?? groups.error ?? errors.error ?? act.error ?? retryRun.error}
        title="Watcher"
      />

      <Card withBorder>
        <Title order={4} mb="xs">
          Open errors by message
        </Title>
        {groups.isPending ? (
          <Loading />
        ) : groups.data?.length === 0 ? (
          <Text c="dimmed" data-testid="no-open-errors">
            No open errors.
          </Text>
        ) : (
          <Table data-testid="error-groups">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Flow</Table.Th>
                <Table.Th>Entity</Table.Th>
                <Table.Th>Message</Table.Th>
                <Table.Th>Records</Table.Th>
                {canAdmin && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {groups.data?.map((group) => (
                <Table.Tr key={`${group.flowId} ${group.entity} ${group.message}`}>
                  <Table.Td>{flowName(group.flowId)}</Table.Td>
                  <Table.Td>{group.entity}</Table.Td>
                  <Table.Td>{group.message}</Table.Td>
                  <Table.Td>{group.count}</Table.Td>
                  {canAdmin && (
                    <Table.Td>
                      <RetryResolve
                        suffix=" all"
                        onAct={(verb) =>
                          act.mutate({ verb, body: { flowId: group.flowId, message: group.message } })
                        }
                      />
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>

      <Card withBorder>
        <Group justify="space-between" mb="xs">
          <Title order={4}>Runs</Title>
          <Group>
            <Select
              aria-label="Status"
              placeholder="Any status"
              clearable
              data={RUN_STATUSES}
              value={status}
              onChange={setStatus}
            />
            <Select
              aria-label="Flow"
              placeholder="Any flow"
              clearable
              data={(flows.data ?? []).map((flow) => ({ value: flow.id, label: flow.name }))}
              value={flowId}
              onChange={setFlowId}
            />
          </Group>
        </Group>
        {runs.isPending ? (
          <Loading />
        ) : (
          <Table data-testid="watcher-runs" highlightOnHover>
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Queued</Table.Th>
                <Table.Th>Flow</Table.Th>
                <Table.Th>Trigger</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th>Rows written</Table.Th>
                {canAdmin && <Table.Th />}
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {runs.data?.map((run) => (
                <Table.Tr
                  key={run.id}
                  onClick={() => setSelected(selected === run.id ? null : run.id)}
                  bg={selected === run.id ? 'var(--mantine-color-blue-light)' : undefined}
                  style={{ cursor: 'pointer' }}
                >
                  <Table.Td>{new Date(run.queuedAt).toLocaleString()}</Table.Td>
                  <Table.Td>{flowName(run.flowId)}</Table.Td>
                  <Table.Td>{run.trigger}</Table.Td>
                  <Table.Td>
                    <RunStatusBadge status={run.status} />
                  </Table.Td>
                  <Table.Td>{run.totals.rowsWritten}</Table.Td>
                  {canAdmin && (
                    <Table.Td>
                      <Button
                        size="xs"
                        variant="subtle"
                        onClick={(event) => {
                          event.stopPropagation();
                          retryRun.mutate(run.id);
                        }}
                      >
                        Retry run
                      </Button>
                    </Table.Td>
                  )}
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        )}
      </Card>

      <Card withBorder>
        <Title order={4} mb="xs">
          {selected ? 'Errors of the selected run' : 'Open errors'}
        </Title>
        <Table data-testid="record-errors">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Record</Table.Th>
              <Table.Th>Entity</Table.Th>
              <Table.Th>Message</Table.Th>
              <Table.Th>Reason</Table.Th>
              <Table.Th>Status</Table.Th>
              {canAdmin && <Table.Th />}
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((error) => (
              <Table.Tr key={error.id}>
                <Table.Td>
                  <Text size="sm">{error.recordLabel ?? '—'}</Text>
                  <Code>{error.recordKey}</Code>
                </Table.Td>
                <Table.Td>
                  {error.division}/{error.entity}
                </Table.Td>
                <Table.Td>{error.message}</Table.Td>
                <Table.Td>{error.reason ?? '—'}</Table.Td>
                <Table.Td>
                  <Badge
                    color={
                      error.status === 'resolved' ? 'green' : error.status === 'retrying' ? 'blue' : 'red'
                    }
                  >
                    {error.status}
                  </Badge>
                </Table.Td>
                {canAdmin && (
                  <Table.Td>
                    {error.status === 'open' && (
                      <RetryResolve onAct={(verb) => act.mutate({ verb, body: { ids: [error.id] } })} />
                    )}
                  </Table.Td>
                )}
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Card>
    </Stack>
  );
}
