import {
  Anchor,
  Badge,
  Button,
  Card,
  Group,
  Modal,
  Stack,
  Switch,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { del, patch } from '../api/client.ts';
import { authorizeUrl, keys, useApps, useConnection, useConnectionFlows, useEvents } from '../api/queries.ts';
import type { Connection } from '../api/types.ts';
import { ConfirmDeleteModal } from '../components/confirm-delete-modal.tsx';
import { DivisionsPanel } from '../components/divisions-panel.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { fieldError } from '../components/field-errors.ts';
import { LIMITS } from '../components/field-limits.ts';
import { Loading } from '../components/loading.tsx';
import { notifyDone } from '../components/notify.ts';
import { FlowStateBadges } from '../components/run-status-badge.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TestPanel } from '../components/test-panel.tsx';
import { useSession } from '../session.tsx';

const LEVEL_COLOR = { info: 'blue', warning: 'orange', error: 'red' } as const;

export function ConnectionPage() {
  const { connectionId = '' } = useParams();
  const { canAdmin } = useSession();
  const connection = useConnection(connectionId);
  if (connection.isPending) return <Loading />;
  if (!connection.data) return <ErrorAlert error={connection.error} title="Could not load the connection" />;
  return <ConnectionDetails connection={connection.data} canAdmin={canAdmin} />;
}

function ConnectionDetails({ connection, canAdmin }: { connection: Connection; canAdmin: boolean }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const apps = useApps(connection.workspaceId);
  const app = apps.data?.find((a) => a.id === connection.appId);
  const [renaming, setRenaming] = useState(false);
  const [name, setName] = useState(connection.name);
  const [deleting, setDeleting] = useState(false);

  const refreshAll = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: keys.connection(connection.id) }),
      queryClient.invalidateQueries({ queryKey: keys.connections(connection.workspaceId) }),
    ]);
  const update = useMutation({
    mutationFn: (body: { name?: string; active?: boolean }) =>
      patch<Connection>(`/connections/${connection.id}`, body),
    onSuccess: async () => {
      setRenaming(false);
      await refreshAll();
    },
  });
  const remove = useMutation({
    mutationFn: () => del(`/connections/${connection.id}`),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: keys.connections(connection.workspaceId) });
      notifyDone(`Connection "${connection.name}" deleted`);
      navigate('/connections');
    },
  });
  const authorizeHref = authorizeUrl(connection.id, `/connections/${connection.id}`);

  return (
    <Stack>
      <Anchor component={Link} to="/connections" size="sm">
        ← Connections
      </Anchor>
      <Group justify="space-between" align="flex-start">
        <div>
          <Group gap="sm">
            <Title order={2}>{connection.name}</Title>
            <StatusBadge status={connection.status} />
          </Group>
          <Text c="dimmed" size="sm">
            Exact app: {app?.title ?? '…'}
            {app && ` · ${app.baseUrl ?? `region ${app.region.toUpperCase()}`}`}
          </Text>
        </div>
        {canAdmin && (
          <Group gap="xs">
            <Button
              component="a"
              href={authorizeHref}
              // The needed action is the primary button: first authorization, or a broken one.
              variant={connection.authorized && connection.status !== 'needs_reauth' ? 'default' : 'filled'}
              data-primary={!connection.authorized || connection.status === 'needs_reauth'}
            >
              {connection.authorized ? 'Authorize again' : 'Authorize'}
            </Button>
            <Button variant="default" onClick={() => setRenaming(true)}>
              Rename
            </Button>
            <Button variant="light" color="red" onClick={() => setDeleting(true)}>
              Delete
            </Button>
          </Group>
        )}
      </Group>
      {connection.status === 'needs_reauth' && (
        <ErrorAlert
          title="Exact needs a new authorization"
          error={
            new Error(
              'The stored authorization no longer works. Press "Authorize again" and sign in at Exact.',
            )
          }
        />
      )}
      {!renaming && <ErrorAlert error={update.error} />}

      <Card withBorder>
        <Stack gap="xs">
          <Title order={4}>Authorization</Title>
          {connection.authorized ? (
            <Text size="sm" data-testid="exact-user">
              Authorized by Exact user{' '}
              <b>{connection.exactUser?.name ?? connection.exactUser?.id ?? 'unknown'}</b>
              {connection.tokensObtainedAt && ` on ${new Date(connection.tokensObtainedAt).toLocaleString()}`}
              .
            </Text>
          ) : (
            <Text size="sm">
              Not authorized yet. <b>Authorize</b> opens Exact's login and consent screen; choose the
              administrations there and you come back here.
            </Text>
          )}
          <Switch
            label="Active"
            description="Inactive connections keep their authorization but run nothing"
            checked={connection.active}
            disabled={!canAdmin || update.isPending}
            onChange={(e) => update.mutate({ active: e.currentTarget.checked })}
          />
        </Stack>
      </Card>

      <Card withBorder>
        <Stack gap="xs">
          <Title order={4}>Divisions</Title>
          <Text size="sm" c="dimmed">
            Exact lists the administrations this authorization may use. Link the ones Koppel should work with;
            none is linked automatically.
          </Text>
          <DivisionsPanel
            connectionId={connection.id}
            canAdmin={canAdmin}
            authorized={connection.authorized}
            returnTo={`/connections/${connection.id}`}
          />
        </Stack>
      </Card>

      <Card withBorder>
        <Stack gap="xs">
          <Title order={4}>Connection test</Title>
          <TestPanel connection={connection} canAdmin={canAdmin} />
        </Stack>
      </Card>

      <Card withBorder>
        <Stack gap="xs">
          <Title order={4}>Flows</Title>
          <ConnectionFlows connection={connection} canAdmin={canAdmin} />
        </Stack>
      </Card>

      <Card withBorder>
        <Stack gap="xs">
          <Title order={4}>Events</Title>
          <EventList connectionId={connection.id} />
        </Stack>
      </Card>

      <Modal
        opened={renaming}
        onClose={() => {
          setRenaming(false);
          update.reset();
        }}
        title="Rename connection"
      >
        <Stack
          component="form"
          onSubmit={(event) => {
            event.preventDefault();
            update.mutate({ name });
          }}
        >
          <TextInput
            label="Name"
            name="connectionName"
            required
            maxLength={LIMITS.name}
            error={fieldError(update.error, 'name')}
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          {/* The dialog's own error, inside it: behind the dialog nobody sees it. */}
          {renaming && <ErrorAlert error={update.error} fields={['name']} />}
          <Group justify="flex-end">
            <Button type="submit" loading={update.isPending}>
              Save
            </Button>
          </Group>
        </Stack>
      </Modal>
      <ConfirmDeleteModal
        opened={deleting}
        title="Delete connection?"
        onCancel={() => setDeleting(false)}
        onConfirm={() => remove.mutate()}
        pending={remove.isPending}
        error={remove.error}
      >
        Delete <b>{connection.name}</b> with its stored tokens? Exact keeps the app; you can authorize a new
        connection later.
      </ConfirmDeleteModal>
    </Stack>
  );
}

/** The flows on this connection, and the way into the set-up's package step once the test passed. */
function ConnectionFlows({ connection, canAdmin }: { connection: Connection; canAdmin: boolean }) {
  const flows = useConnectionFlows(connection.id);
  if (flows.isPending) return <Loading />;
  const tested = connection.lastTest?.ok === true;
  return (
    <Stack gap="xs">
      <ErrorAlert error={flows.error} title="Could not load the flows" />
      {flows.data?.length === 0 && (
        <Text size="sm" c="dimmed">
          No flows yet: choose packages to move this connection's data.
        </Text>
      )}
      {flows.data?.map((flow) => (
        <Group key={flow.id} gap="xs">
          <Anchor component={Link} to={`/flows/${flow.id}`} size="sm">
            {flow.name}
          </Anchor>
          <FlowStateBadges status={flow.status} enabled={flow.enabled} />
        </Group>
      ))}
      {canAdmin && (
        <Group gap="sm">
          <Button
            variant={flows.data?.length ? 'default' : 'filled'}
            component={Link}
            to={`/setup?connection=${connection.id}&step=packages`}
            disabled={!tested}
          >
            Choose packages
          </Button>
          {!tested && (
            <Text size="sm" c="dimmed">
              Test the connection first.
            </Text>
          )}
        </Group>
      )}
    </Stack>
  );
}

function EventList({ connectionId }: { connectionId: string }) {
  const events = useEvents(connectionId);
  if (events.isPending) return <Loading />;
  if (events.error) return <ErrorAlert error={events.error} title="Could not load the events" />;
  if (!events.data?.length) return <Text c="dimmed">No events yet.</Text>;
  return (
    <Table verticalSpacing={4} data-testid="events">
      <Table.Tbody>
        {events.data.map((e) => (
          <Table.Tr key={e.id}>
            <Table.Td w={190}>
              <Text size="xs" c="dimmed">
                {new Date(e.createdAt).toLocaleString()}
              </Text>
            </Table.Td>
            <Table.Td w={90}>
              <Badge size="sm" variant="light" color={LEVEL_COLOR[e.level]}>
                {e.level}
              </Badge>
            </Table.Td>
            <Table.Td>
              <Text size="sm">{e.message}</Text>
            </Table.Td>
          </Table.Tr>
        ))}
      </Table.Tbody>
    </Table>
  );
}
