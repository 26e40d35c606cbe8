import { Alert, Button, Card, Code, Group, Modal, Stack, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { del, post } from '../api/client.ts';
import { flowKeys, useDestinations, useHubDestination } from '../api/queries.ts';
import type { Destination, DestinationTest } from '../api/types.ts';
import { ConfirmDeleteModal } from '../components/confirm-delete-modal.tsx';
import { DestinationForm } from '../components/destination-form.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { Loading } from '../components/loading.tsx';
import { notifyDone } from '../components/notify.ts';
import { useSession } from '../session.tsx';

type Editing = { kind: 'new' } | { kind: 'edit'; destination: Destination } | null;

/** Where flows write: the hub's own database, and Postgres databases of the workspace's own. */
export function DestinationsPage() {
  const { workspace, canAdmin } = useSession();
  const queryClient = useQueryClient();
  const destinations = useDestinations(workspace.id);
  const hub = useHubDestination(workspace.id);
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<Destination | null>(null);
  const remove = useMutation({
    mutationFn: (destination: Destination) =>
      del(`/workspaces/${workspace.id}/destinations/${destination.id}`),
    onSuccess: async (_, destination) => {
      setDeleting(null);
      notifyDone(`Destination "${destination.name}" deleted`);
      await queryClient.invalidateQueries({ queryKey: flowKeys.destinations(workspace.id) });
    },
  });

  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2}>Destinations</Title>
          <Text c="dimmed" size="sm">
            Databases flows write into. Every flow can use the hub's own database without setting anything up.
          </Text>
        </div>
        {canAdmin && <Button onClick={() => setEditing({ kind: 'new' })}>New destination</Button>}
      </Group>
      <Card withBorder data-testid="hub-destination">
        <Stack gap={4}>
          <Group gap="xs">
            <Text fw={600}>{hub.data?.name ?? 'Hub database'}</Text>
            <Text size="xs" c="dimmed">
              built in
            </Text>
          </Group>
          <Code>{hub.data?.location ?? '…'}</Code>
          <Text size="sm" c="dimmed">
            Flows write here unless you choose another destination; nothing to set up.
          </Text>
        </Stack>
      </Card>
      <ErrorAlert error={destinations.error ?? hub.error} title="Could not load the destinations" />
      {destinations.isPending ? (
        <Loading />
      ) : destinations.data?.length === 0 ? (
        <Text c="dimmed">
          No Postgres destinations of your own yet. Add one to replicate into your warehouse or BI database.
        </Text>
      ) : (
        destinations.data?.map((destination) => (
          <DestinationCard
            key={destination.id}
            destination={destination}
            canAdmin={canAdmin}
            onEdit={() => setEditing({ kind: 'edit', destination })}
            onDelete={() => setDeleting(destination)}
          />
        ))
      )}

      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing?.kind === 'edit' ? 'Edit destination' : 'New Postgres destination'}
        size="lg"
      >
        {editing && (
          <DestinationForm
            workspaceId={workspace.id}
            existing={editing.kind === 'edit' ? editing.destination : undefined}
            onSaved={(destination) => {
              setEditing(null);
              notifyDone(`Destination "${destination.name}" saved; press Test to check it`);
            }}
          />
        )}
      </Modal>
      <ConfirmDeleteModal
        opened={deleting !== null}
        title="Delete destination?"
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting)}
        pending={remove.isPending}
        error={remove.error}
      >
        Forget <b>{deleting?.name}</b> and its stored connection string? The tables in that database stay.
      </ConfirmDeleteModal>
    </Stack>
  );
}

function DestinationCard({
  destination,
  canAdmin,
  onEdit,
  onDelete,
}: {
  destination: Destination;
  canAdmin: boolean;
  onEdit(): void;
  onDelete(): void;
}) {
  const queryClient = useQueryClient();
  const test = useMutation({
    mutationFn: () =>
      post<DestinationTest>(`/workspaces/${destination.workspaceId}/destinations/${destination.id}/test`),
    onSettled: () =>
      queryClient.invalidateQueries({ queryKey: flowKeys.destinations(destination.workspaceId) }),
  });
  const result = test.data ?? destination.lastTest;
  return (
    <Card withBorder data-destination={destination.name}>
      <Stack gap="sm">
        <Group justify="space-between" align="flex-start">
          <div>
            <Text fw={600}>{destination.name}</Text>
            <Code>{destination.location}</Code>
          </div>
          {canAdmin && (
            <Group gap="xs">
              <Button size="xs" onClick={() => test.mutate()} loading={test.isPending}>
                Test
              </Button>
              <Button size="xs" variant="default" onClick={onEdit}>
                Edit
              </Button>
              <Button size="xs" variant="light" color="red" onClick={onDelete}>
                Delete
              </Button>
            </Group>
          )}
        </Group>
        <ErrorAlert error={test.error} title="The test could not run" />
        {result ? (
          <DestinationTestResult result={result} />
        ) : (
          <Text size="sm" c="dimmed">
            Not tested yet.
          </Text>
        )}
      </Stack>
    </Card>
  );
}

function DestinationTestResult({ result }: { result: DestinationTest }) {
  if (!result.ok) {
    return (
      <Alert color="red" title="Destination test failed" data-testid="destination-test" data-ok="false">
        <Text size="sm">{result.error?.message ?? 'The hub gave no reason.'}</Text>
        {result.error && (
          <Text size="xs" c="dimmed" mt={4}>
            Error code <Code>{result.error.code}</Code>
          </Text>
        )}
      </Alert>
    );
  }
  return (
    <Alert color="green" title="Destination works" data-testid="destination-test" data-ok="true">
      <Text size="sm">
        Postgres {result.serverVersion}, database <b>{result.database}</b> as user <b>{result.user}</b>
        {result.canCreateSchema ? '; the user may create the flow’s schema.' : '.'}
      </Text>
    </Alert>
  );
}
