import { Anchor, Button, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useApps, useConnections } from '../api/queries.ts';
import { ConnectionForm } from '../components/connection-form.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { Loading } from '../components/loading.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { useSession } from '../session.tsx';

export function ConnectionsPage() {
  const { workspace, canAdmin } = useSession();
  const connections = useConnections(workspace.id);
  const apps = useApps(workspace.id);
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const appTitle = (id: string) => apps.data?.find((a) => a.id === id)?.title ?? '—';

  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2}>Connections</Title>
          <Text c="dimmed" size="sm">
            A connection is one authorization of an Exact app by an Exact user, with the divisions it links.
          </Text>
        </div>
        {canAdmin && (
          <Group gap="xs">
            <Button variant="default" component={Link} to="/setup">
              Guided set-up
            </Button>
            <Button onClick={() => setCreating(true)} disabled={!apps.data?.length}>
              New connection
            </Button>
          </Group>
        )}
      </Group>
      <ErrorAlert error={connections.error ?? apps.error} title="Could not load the connections" />
      {canAdmin && apps.data?.length === 0 && (
        <Text size="sm">
          First{' '}
          <Anchor component={Link} to="/apps">
            register an Exact app
          </Anchor>
          , or follow the{' '}
          <Anchor component={Link} to="/setup">
            guided set-up
          </Anchor>
          .
        </Text>
      )}
      {connections.isPending ? (
        <Loading />
      ) : connections.data?.length === 0 ? (
        <Text c="dimmed">No connections yet.</Text>
      ) : (
        <Table striped highlightOnHover verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Status</Table.Th>
              <Table.Th>Exact app</Table.Th>
              <Table.Th>Exact user</Table.Th>
              <Table.Th>Last test</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {connections.data?.map((c) => (
              <Table.Tr key={c.id}>
                <Table.Td>
                  <Anchor component={Link} to={`/connections/${c.id}`} fw={500}>
                    {c.name}
                  </Anchor>
                </Table.Td>
                <Table.Td>
                  <StatusBadge status={c.status} />
                </Table.Td>
                <Table.Td>{appTitle(c.appId)}</Table.Td>
                <Table.Td>{c.exactUser?.name ?? '—'}</Table.Td>
                <Table.Td>
                  {c.lastTest ? (
                    <Text size="sm" c={c.lastTest.ok ? 'green' : 'red'}>
                      {c.lastTest.ok ? '✓ passed' : '✗ failed'}{' '}
                      {new Date(c.lastTest.testedAt).toLocaleString()}
                    </Text>
                  ) : (
                    '—'
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal opened={creating} onClose={() => setCreating(false)} title="New connection">
        {apps.data && (
          <ConnectionForm
            workspaceId={workspace.id}
            apps={apps.data}
            onCreated={(c) => navigate(`/connections/${c.id}`)}
          />
        )}
      </Modal>
    </Stack>
  );
}
