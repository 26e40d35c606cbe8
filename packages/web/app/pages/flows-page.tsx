import { Anchor, Button, Card, Group, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { Link } from 'react-router';
import { useConnections, useFlows, usePackages } from '../api/queries.ts';
import type { Flow } from '../api/types.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { Fact } from '../components/fact.tsx';
import { FlowActions } from '../components/flow-actions.tsx';
import { LastRun } from '../components/last-run.tsx';
import { Loading } from '../components/loading.tsx';
import { nextRunOf } from '../components/next-run.ts';
import { FlowStateBadges } from '../components/run-status-badge.tsx';
import { scheduleLabel } from '../components/schedule-input.tsx';
import { useSession } from '../session.tsx';

/** The integrations overview: every flow with its state, last and next run, and what to do with it. */
export function FlowsPage() {
  const { workspace, canAdmin } = useSession();
  const flows = useFlows(workspace.id);
  const connections = useConnections(workspace.id);
  const packages = usePackages();
  if (flows.isPending) return <Loading />;
  const connectionName = (id: string) => connections.data?.find((c) => c.id === id)?.name ?? '…';
  const packageTitle = (id: string) => packages.data?.find((p) => p.id === id)?.title ?? id;
  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2}>Flows</Title>
          <Text c="dimmed" size="sm">
            Packages at work on your connections: what they did last, and when they run next.
          </Text>
        </div>
        {canAdmin && (
          <Button component={Link} to="/flows/new">
            New flow
          </Button>
        )}
      </Group>
      <ErrorAlert error={flows.error} title="Could not load the flows" />
      {flows.data?.length === 0 && (
        <Card withBorder padding="xl">
          <Stack align="center" gap="xs">
            <Text fw={500}>No flows yet</Text>
            <Text size="sm" c="dimmed" ta="center">
              A flow moves data between a connection and a destination, for example Exact's accounts into a
              database. {canAdmin ? 'Create one to start.' : 'An admin of this workspace can create one.'}
            </Text>
            {canAdmin && (
              <Button component={Link} to="/flows/new" variant="light">
                Create a flow
              </Button>
            )}
          </Stack>
        </Card>
      )}
      {flows.data?.map((flow) => (
        <FlowCard
          key={flow.id}
          flow={flow}
          connectionName={connectionName(flow.connectionId)}
          packageTitle={packageTitle(flow.packageId)}
          canAdmin={canAdmin}
        />
      ))}
    </Stack>
  );
}

function FlowCard({
  flow,
  connectionName,
  packageTitle,
  canAdmin,
}: {
  flow: Flow;
  connectionName: string;
  packageTitle: string;
  canAdmin: boolean;
}) {
  const next = flow.enabled ? nextRunOf(flow.schedule) : undefined;
  return (
    <Card withBorder data-flow={flow.name}>
      <Stack gap="sm">
        <div>
          <Group gap="xs">
            <Anchor component={Link} to={`/flows/${flow.id}`} fw={600} size="lg">
              {flow.name}
            </Anchor>
            <FlowStateBadges status={flow.status} enabled={flow.enabled} />
          </Group>
          <Text size="sm" c="dimmed">
            {packageTitle} ·{' '}
            <Anchor component={Link} to={`/connections/${flow.connectionId}`} size="sm" c="dimmed">
              {connectionName}
            </Anchor>
          </Text>
        </div>
        <SimpleGrid cols={{ base: 1, sm: 2 }} spacing="sm">
          <Fact label="Last run">
            <LastRun flow={flow} />
          </Fact>
          <Fact label="Next run">
            <span data-testid="next-run">
              {next ? next.toLocaleString() : 'Paused: runs only when started'}
            </span>
            <Text size="xs" c="dimmed">
              {scheduleLabel(flow.schedule)}
            </Text>
          </Fact>
        </SimpleGrid>
        {canAdmin && (
          <FlowActions flow={flow} size="xs">
            <Button size="xs" variant="default" component={Link} to={`/flows/${flow.id}?edit=1`}>
              Edit settings
            </Button>
          </FlowActions>
        )}
      </Stack>
    </Card>
  );
}
