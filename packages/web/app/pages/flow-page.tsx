import {
  Accordion,
  Anchor,
  Button,
  Card,
  Group,
  Modal,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams, useSearchParams } from 'react-router';
import { del, patch } from '../api/client.ts';
import { flowKeys, useConnection, useDestinations, useFlow, usePackages, useRuns } from '../api/queries.ts';
import type { Flow, FlowPackage, Run } from '../api/types.ts';
import { ConfirmDeleteModal } from '../components/confirm-delete-modal.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { Fact } from '../components/fact.tsx';
import { FlowActions } from '../components/flow-actions.tsx';
import { FlowConfigFields } from '../components/flow-config-fields.tsx';
import { draftFromFlow, draftProblem, type FlowDraft, flowInputOf } from '../components/flow-draft.ts';
import { ImportPanel } from '../components/import-panel.tsx';
import { useFlowFollowsRun } from '../components/last-run.tsx';
import { Loading } from '../components/loading.tsx';
import { nextRunOf } from '../components/next-run.ts';
import { notifyDone } from '../components/notify.ts';
import { count, durationText, runDurationMs } from '../components/run-figures.ts';
import { FlowStateBadges, RunStatusBadge } from '../components/run-status-badge.tsx';
import { scheduleLabel } from '../components/schedule-input.tsx';
import { settingLabel } from '../components/settings-values.ts';
import { SubmitRow } from '../components/submit-row.tsx';
import { submitWith } from '../components/submit-with.ts';
import { useSession } from '../session.tsx';

export function FlowPage() {
  const { flowId = '' } = useParams();
  const flow = useFlow(flowId);
  const packages = usePackages();
  if (flow.isPending) return <Loading />;
  if (!flow.data) return <ErrorAlert error={flow.error} title="Could not load the flow" />;
  const pkg = packages.data?.find((p) => p.id === flow.data.packageId);
  return <FlowDetails flow={flow.data} pkg={pkg} />;
}

function FlowDetails({ flow, pkg }: { flow: Flow; pkg: FlowPackage | undefined }) {
  const { canAdmin } = useSession();
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [params, setParams] = useSearchParams();
  const editing = canAdmin && params.get('edit') === '1';
  const [deleting, setDeleting] = useState(false);
  const connection = useConnection(flow.connectionId);
  const destinations = useDestinations(flow.workspaceId);
  const remove = useMutation({
    mutationFn: () => del(`/flows/${flow.id}`),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: flowKeys.flows(flow.workspaceId) });
      notifyDone(`Flow "${flow.name}" deleted; its tables stay`);
      navigate('/flows');
    },
  });
  const next = flow.enabled ? nextRunOf(flow.schedule) : undefined;
  const entityTitle = (name: string) => pkg?.entities.find((e) => e.name === name)?.title ?? name;
  const destination =
    flow.destinationId === null
      ? 'Hub database'
      : (destinations.data?.find((d) => d.id === flow.destinationId)?.name ?? '…');

  return (
    <Stack>
      <Anchor component={Link} to="/flows" size="sm">
        ← Flows
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={2}>{flow.name}</Title>
            <FlowStateBadges status={flow.status} enabled={flow.enabled} />
          </Group>
          <Text c="dimmed" size="sm">
            {pkg?.title ?? flow.packageId} on{' '}
            <Anchor component={Link} to={`/connections/${flow.connectionId}`} size="sm">
              {connection.data?.name ?? '…'}
            </Anchor>
          </Text>
        </div>
        {canAdmin && (
          <Group gap="xs">
            <Button variant="default" onClick={() => setParams({ edit: '1' })}>
              Edit settings
            </Button>
            <Button variant="light" color="red" onClick={() => setDeleting(true)}>
              Delete
            </Button>
          </Group>
        )}
      </Group>
      {flow.status === 'needs_reauth' && (
        <ErrorAlert
          title="The connection needs a new authorization"
          error={
            new Error(
              'This flow waits until the connection is authorized again; it then continues where it stopped.',
            )
          }
        />
      )}
      {canAdmin && <FlowActions flow={flow} />}

      <Card withBorder>
        <SimpleGrid cols={{ base: 1, sm: 2, md: 3 }} spacing="md">
          <Fact label="Entities">{flow.entities.map(entityTitle).join(', ')}</Fact>
          <Fact label="Divisions">
            {flow.divisions === null ? 'Every linked division' : flow.divisions.join(', ')}
          </Fact>
          <Fact label="Destination">
            <Anchor component={Link} to="/destinations" size="sm">
              {destination}
            </Anchor>
          </Fact>
          <Fact label="Schedule">{scheduleLabel(flow.schedule)} (UTC)</Fact>
          <Fact label="Next run">{next ? next.toLocaleString() : 'Paused'}</Fact>
          <Fact label="Replicated data">
            <Anchor component={Link} to={`/data?flow=${flow.id}`} size="sm">
              Tables and rows
            </Anchor>
          </Fact>
          {Object.entries(flow.settings).map(([name, value]) => (
            <Fact key={name} label={settingLabel(name)}>
              {typeof value === 'boolean' ? (value ? 'On' : 'Off') : String(value)}
            </Fact>
          ))}
        </SimpleGrid>
      </Card>

      {flow.packageId === 'exact-import' && <ImportPanel flow={flow} pkg={pkg} canAdmin={canAdmin} />}

      <Card withBorder>
        <Stack gap="xs">
          <Title order={4}>Runs</Title>
          <RunList flow={flow} />
        </Stack>
      </Card>

      {editing && pkg && <EditFlowModal flow={flow} pkg={pkg} onClose={() => setParams({})} />}
      <ConfirmDeleteModal
        opened={deleting}
        title="Delete flow?"
        onCancel={() => setDeleting(false)}
        onConfirm={() => remove.mutate()}
        pending={remove.isPending}
        error={remove.error}
      >
        Delete <b>{flow.name}</b> with its run history? The replicated tables stay in their database.
      </ConfirmDeleteModal>
    </Stack>
  );
}

function EditFlowModal({ flow, pkg, onClose }: { flow: Flow; pkg: FlowPackage; onClose(): void }) {
  const queryClient = useQueryClient();
  const phone = useMediaQuery('(max-width: 48em)') ?? false;
  const [draft, setDraft] = useState<FlowDraft>(() => draftFromFlow(flow, pkg));
  const save = useMutation({
    mutationFn: () => patch<Flow>(`/flows/${flow.id}`, flowInputOf(draft)),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: flowKeys.flow(flow.id) }),
        queryClient.invalidateQueries({ queryKey: flowKeys.flows(flow.workspaceId) }),
      ]);
      notifyDone(`"${draft.name}" saved`);
      onClose();
    },
  });
  const problem = draftProblem(pkg, draft);
  return (
    <Modal opened onClose={onClose} title={`Settings of ${flow.name}`} size="xl" fullScreen={phone}>
      <Stack component="form" onSubmit={submitWith(save)}>
        <FlowConfigFields
          pkg={pkg}
          connectionId={flow.connectionId}
          workspaceId={flow.workspaceId}
          draft={draft}
          onChange={setDraft}
        />
        {problem && (
          <Text size="sm" c="red">
            {problem}
          </Text>
        )}
        <SubmitRow error={save.error} pending={save.isPending} disabled={Boolean(problem)}>
          Save settings
        </SubmitRow>
      </Stack>
    </Modal>
  );
}

const TRIGGER = {
  schedule: 'Schedule',
  manual: 'Run now',
  resync: 'Full resync',
  webhook: 'Webhook',
  retry: 'Retry',
} as const;

/** The flow's runs, newest first, each opening onto its streams; followed while one works. */
function RunList({ flow }: { flow: Flow }) {
  const runs = useRuns(flow.id);
  useFlowFollowsRun(flow, runs.data?.[0]?.status);
  const [open, setOpen] = useState<string | null>(null);
  if (runs.isPending) return <Loading />;
  if (runs.error) return <ErrorAlert error={runs.error} title="Could not load the runs" />;
  if (!runs.data?.length)
    return <Text c="dimmed">No runs yet. Press Run now, or wait for the schedule.</Text>;
  const opened = open ?? runs.data[0]?.id ?? null;
  return (
    <Accordion value={opened} onChange={setOpen} variant="separated" data-testid="runs">
      {runs.data.map((run) => (
        <Accordion.Item key={run.id} value={run.id} data-testid="run" data-status={run.status}>
          <Accordion.Control>
            <RunSummary run={run} />
          </Accordion.Control>
          <Accordion.Panel>
            <RunStreams run={run} />
          </Accordion.Panel>
        </Accordion.Item>
      ))}
    </Accordion>
  );
}

function RunSummary({ run }: { run: Run }) {
  const duration = runDurationMs(run);
  return (
    <Group gap="sm" wrap="wrap">
      <RunStatusBadge status={run.status} />
      <Text size="sm" fw={500}>
        {TRIGGER[run.trigger]}
      </Text>
      <Text size="sm" c="dimmed">
        {new Date(run.startedAt ?? run.queuedAt).toLocaleString()}
      </Text>
      <Text size="sm" data-testid="run-totals">
        {count(run.totals.rowsRead)} read · {count(run.totals.rowsWritten)} written ·{' '}
        {count(run.totals.rowsDeleted)} deleted · {count(run.totals.apiCalls)} API calls
        {duration !== undefined && ` · ${durationText(duration)}`}
      </Text>
    </Group>
  );
}

function RunStreams({ run }: { run: Run }) {
  return (
    <Stack gap="xs">
      {run.error && (
        <ErrorAlert error={new Error(run.error.message)} title={`Run failed (${run.error.code})`} />
      )}
      {run.only && (
        <Text size="xs" c="dimmed">
          Limited to {run.only.join(', ')}
        </Text>
      )}
      {run.streams.length === 0 ? (
        <Text size="sm" c="dimmed">
          {run.status === 'queued' ? 'Waiting for a worker…' : 'No stream finished yet.'}
        </Text>
      ) : (
        <Table.ScrollContainer minWidth={720}>
          <Table striped verticalSpacing={4} data-testid="run-streams">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Division</Table.Th>
                <Table.Th>Entity</Table.Th>
                <Table.Th>Status</Table.Th>
                <Table.Th ta="right">Read</Table.Th>
                <Table.Th ta="right">Written</Table.Th>
                <Table.Th ta="right">Deleted</Table.Th>
                <Table.Th ta="right">API calls</Table.Th>
                <Table.Th ta="right">Duration</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {run.streams.map((stream) => (
                <Table.Tr key={`${stream.division}/${stream.entity}`} data-stream={stream.entity}>
                  <Table.Td>{stream.division}</Table.Td>
                  <Table.Td>
                    {stream.entity}
                    {stream.error && (
                      <Text size="xs" c="red.8">
                        {stream.error.message} ({stream.error.code})
                      </Text>
                    )}
                  </Table.Td>
                  <Table.Td>
                    <RunStatusBadge status={stream.status} />
                  </Table.Td>
                  <Table.Td ta="right">{count(stream.rowsRead)}</Table.Td>
                  <Table.Td ta="right" data-testid="stream-written">
                    {count(stream.rowsWritten)}
                  </Table.Td>
                  <Table.Td ta="right">{count(stream.rowsDeleted)}</Table.Td>
                  <Table.Td ta="right">{count(stream.apiCalls)}</Table.Td>
                  <Table.Td ta="right">{durationText(stream.durationMs)}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}
