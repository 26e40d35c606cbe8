import { AreaChart, BarChart } from '@mantine/charts';
import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  List,
  Progress,
  SimpleGrid,
  Stack,
  Table,
  Text,
  Title,
} from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { Link } from 'react-router';
import { get } from '../api/client.ts';
import type { Overview } from '../api/types.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { Loading } from '../components/loading.tsx';
import { count } from '../components/run-figures.ts';
import { RunStatusBadge } from '../components/run-status-badge.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { useSession } from '../session.tsx';

const DAYS = 3;

/** "05 14h": the hour's label on the charts' axis, in the viewer's time zone. */
const hourLabel = (iso: string) => {
  const at = new Date(iso);
  return `${String(at.getDate()).padStart(2, '0')} ${String(at.getHours()).padStart(2, '0')}h`;
};

/** An empty hub: what to do first, in the order the guided set-up takes it. */
function FirstSteps({ canAdmin }: { canAdmin: boolean }) {
  return (
    <Card withBorder data-testid="first-steps">
      <Title order={4} mb="xs">
        Start here: connect Exact Online
      </Title>
      <List type="ordered" spacing={4} mb="md">
        <List.Item>Register an app in Exact's App Center with the redirect URI Koppel shows you.</List.Item>
        <List.Item>Add the app and a connection, and authorize it with your Exact account.</List.Item>
        <List.Item>Link the divisions (administrations) to move, and choose what to move where.</List.Item>
      </List>
      {canAdmin ? (
        <Button component={Link} to="/setup">
          Start the guided set-up
        </Button>
      ) : (
        <Text c="dimmed">Ask an owner or admin of this workspace to connect Exact Online.</Text>
      )}
    </Card>
  );
}

function Budgets({ budgets }: { budgets: Overview['budgets'] }) {
  if (budgets.length === 0)
    return <Text c="dimmed">No calls to Exact yet today: the budget shows after the first run.</Text>;
  return (
    <Table data-testid="budgets">
      <Table.Thead>
        <Table.Tr>
          <Table.Th>Division</Table.Th>
          <Table.Th>Used</Table.Th>
          <Table.Th>Remaining</Table.Th>
          <Table.Th>Reserve</Table.Th>
          <Table.Th w="30%" />
        </Table.Tr>
      </Table.Thead>
      <Table.Tbody>
        {budgets.map((budget) => (
          <Table.Tr
            key={`${budget.clientId} ${budget.division}`}
            data-division={budget.division}
            data-used={budget.used}
          >
            <Table.Td>
              {budget.division}
              {budget.divisionName && ` · ${budget.divisionName}`}
            </Table.Td>
            <Table.Td>{count(budget.used)}</Table.Td>
            <Table.Td>
              {count(budget.remaining)} of {count(budget.limit)}
            </Table.Td>
            <Table.Td>{count(budget.reserve)}</Table.Td>
            <Table.Td>
              <Progress
                aria-label={`Division ${budget.division} budget used`}
                value={budget.limit > 0 ? (100 * budget.used) / budget.limit : 0}
                color={budget.remaining <= budget.reserve ? 'red' : 'blue'}
              />
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}

/** The workspace at a glance: is everything working, and if not, where to look. */
export function HomePage() {
  const { workspace, canAdmin } = useSession();
  const overview = useQuery({
    queryKey: ['workspace', workspace.id, 'overview', DAYS],
    queryFn: () => get<Overview>(`/workspaces/${workspace.id}/overview?days=${DAYS}`),
    refetchInterval: 10_000,
  });
  if (overview.isPending) return <Loading />;
  if (!overview.data) return <ErrorAlert error={overview.error} title="The overview could not be loaded" />;
  const { connections, flows, openErrors, budgets, hourly } = overview.data;
  const connectionName = (id: string) => connections.find((c) => c.id === id)?.name ?? id.slice(0, 8);
  const series = hourly.map((hour) => ({ ...hour, label: hourLabel(hour.hour) }));
  const totals = hourly.reduce(
    (sum, hour) => ({ rows: sum.rows + hour.rowsMoved, calls: sum.calls + hour.apiCalls }),
    { rows: 0, calls: 0 },
  );

  return (
    <Stack>
      <div>
        <Title order={2}>Home</Title>
        <Text c="dimmed" size="sm">
          Is everything working? Connections, flows, errors and today's Exact budget at a glance.
        </Text>
      </div>
      <ErrorAlert error={overview.error} title="The overview could not be refreshed" />
      {connections.length === 0 && <FirstSteps canAdmin={canAdmin} />}

      {connections.length > 0 && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Card withBorder>
            <Title order={4} mb="xs">
              Connections
            </Title>
            <Table data-testid="home-connections">
              <Table.Tbody>
                {connections.map((connection) => (
                  <Table.Tr key={connection.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/connections/${connection.id}`}>
                        {connection.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>
                      <StatusBadge status={connection.status} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Card>
          <Card withBorder>
            <Group justify="space-between" mb="xs">
              <Title order={4}>Open errors</Title>
              <Badge size="lg" color={openErrors > 0 ? 'red' : 'green'} data-testid="open-errors">
                {count(openErrors)}
              </Badge>
            </Group>
            <Text size="sm" c="dimmed" mb="xs">
              {openErrors > 0
                ? 'Records a flow could not move: fix the cause, then retry them in the watcher.'
                : 'Every record went through.'}
            </Text>
            <Anchor component={Link} to="/watcher" size="sm">
              Open the watcher
            </Anchor>
          </Card>
        </SimpleGrid>
      )}

      {connections.length > 0 && (
        <Card withBorder>
          <Title order={4} mb="xs">
            Flows
          </Title>
          {flows.length === 0 ? (
            <Text c="dimmed">
              No flows yet.{' '}
              <Anchor component={Link} to="/flows/new">
                Choose what to move
              </Anchor>{' '}
              from a connection.
            </Text>
          ) : (
            <Table data-testid="home-flows">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>Flow</Table.Th>
                  <Table.Th>Connection</Table.Th>
                  <Table.Th>Last run</Table.Th>
                  <Table.Th>Next run</Table.Th>
                  <Table.Th>Open errors</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {flows.map((flow) => (
                  <Table.Tr key={flow.id} data-flow={flow.id}>
                    <Table.Td>
                      <Anchor component={Link} to={`/flows/${flow.id}`}>
                        {flow.name}
                      </Anchor>
                    </Table.Td>
                    <Table.Td>{connectionName(flow.connectionId)}</Table.Td>
                    <Table.Td>
                      {flow.lastRun ? (
                        <Group gap={6}>
                          <RunStatusBadge status={flow.lastRun.status} />
                          <Text size="xs" c="dimmed">
                            {new Date(flow.lastRun.finishedAt ?? flow.lastRun.queuedAt).toLocaleString()}
                          </Text>
                        </Group>
                      ) : (
                        <Text size="sm" c="dimmed">
                          Never run
                        </Text>
                      )}
                    </Table.Td>
                    <Table.Td>
                      {flow.nextRunAt ? new Date(flow.nextRunAt).toLocaleString() : 'Disabled'}
                    </Table.Td>
                    <Table.Td>{flow.openErrors}</Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </Card>
      )}

      {connections.length > 0 && (
        <Card withBorder>
          <Title order={4} mb="xs">
            Today's Exact budget per division
          </Title>
          <Text size="sm" c="dimmed" mb="xs">
            Exact allows each app a number of calls a day per division; scheduled runs stop at the reserve,
            which is kept for you.
          </Text>
          <Budgets budgets={budgets} />
        </Card>
      )}

      {connections.length > 0 && (
        <SimpleGrid cols={{ base: 1, md: 2 }}>
          <Card withBorder data-testid="chart-rows" data-total={totals.rows}>
            <Title order={4}>Rows moved per hour</Title>
            <Text size="sm" c="dimmed" mb="xs">
              {count(totals.rows)} in the last {DAYS} days
            </Text>
            <AreaChart
              h={200}
              data={series}
              dataKey="label"
              series={[{ name: 'rowsMoved', label: 'Rows moved', color: 'teal.6' }]}
              curveType="linear"
              withDots={false}
            />
          </Card>
          <Card withBorder data-testid="chart-calls" data-total={totals.calls}>
            <Title order={4}>API calls per hour</Title>
            <Text size="sm" c="dimmed" mb="xs">
              {count(totals.calls)} calls to Exact in the last {DAYS} days
            </Text>
            <BarChart
              h={200}
              data={series}
              dataKey="label"
              series={[{ name: 'apiCalls', label: 'API calls', color: 'blue.6' }]}
            />
          </Card>
        </SimpleGrid>
      )}
    </Stack>
  );
}
