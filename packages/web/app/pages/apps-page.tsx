import { Badge, Button, Group, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { del } from '../api/client.ts';
import { keys, useApps } from '../api/queries.ts';
import type { ExactApp } from '../api/types.ts';
import { AppForm } from '../components/app-form.tsx';
import { ConfirmDeleteModal } from '../components/confirm-delete-modal.tsx';
import { CopyField } from '../components/copy-field.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { Loading } from '../components/loading.tsx';
import { notifyDone } from '../components/notify.ts';
import { RedirectUriNotice, redirectUriOf } from '../components/redirect-uri.tsx';
import { useSession } from '../session.tsx';

type Editing = { kind: 'new' } | { kind: 'edit'; app: ExactApp } | null;

export function AppsPage() {
  const { workspace, canAdmin } = useSession();
  const apps = useApps(workspace.id);
  const queryClient = useQueryClient();
  const [editing, setEditing] = useState<Editing>(null);
  const [deleting, setDeleting] = useState<ExactApp | null>(null);
  const remove = useMutation({
    mutationFn: (app: ExactApp) => del(`/apps/${app.id}`),
    onSuccess: async (_, app) => {
      setDeleting(null);
      notifyDone(`App "${app.title}" deleted`);
      await queryClient.invalidateQueries({ queryKey: keys.apps(workspace.id) });
    },
  });

  return (
    <Stack>
      <Group justify="space-between">
        <div>
          <Title order={2}>Exact apps</Title>
          <Text c="dimmed" size="sm">
            An app is the OAuth client you registered in Exact's App Center; many connections can share it.
          </Text>
        </div>
        {canAdmin && <Button onClick={() => setEditing({ kind: 'new' })}>New app</Button>}
      </Group>
      <RedirectUriNotice uri={redirectUriOf(apps.data)} />
      <ErrorAlert error={apps.error} title="Could not load the apps" />
      {apps.isPending ? (
        <Loading />
      ) : apps.data?.length === 0 ? (
        <Text c="dimmed">No apps yet. Register one in Exact's App Center, then add it here.</Text>
      ) : (
        <Table striped highlightOnHover verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Title</Table.Th>
              <Table.Th>Client ID</Table.Th>
              <Table.Th>Exact host</Table.Th>
              <Table.Th>Secrets</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {apps.data?.map((app) => (
              <Table.Tr key={app.id}>
                <Table.Td fw={500}>{app.title}</Table.Td>
                <Table.Td>
                  <CopyField value={app.clientId} label="client ID" />
                </Table.Td>
                <Table.Td>{app.baseUrl ?? `Region ${app.region.toUpperCase()}`}</Table.Td>
                <Table.Td>
                  <Group gap={4}>
                    <Badge variant="light" color={app.hasClientSecret ? 'green' : 'gray'}>
                      client secret
                    </Badge>
                    <Badge variant="light" color={app.hasWebhookSecret ? 'green' : 'gray'}>
                      webhook secret
                    </Badge>
                  </Group>
                </Table.Td>
                <Table.Td>
                  {canAdmin && (
                    <Group gap="xs" justify="flex-end" wrap="nowrap">
                      <Button size="xs" variant="light" onClick={() => setEditing({ kind: 'edit', app })}>
                        Edit
                      </Button>
                      <Button
                        size="xs"
                        variant="light"
                        color="red"
                        onClick={() => {
                          remove.reset();
                          setDeleting(app);
                        }}
                      >
                        Delete
                      </Button>
                    </Group>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <Modal
        opened={editing !== null}
        onClose={() => setEditing(null)}
        title={editing?.kind === 'edit' ? `Edit ${editing.app.title}` : 'New Exact app'}
        size="lg"
      >
        {editing && (
          <AppForm
            workspaceId={workspace.id}
            existing={editing.kind === 'edit' ? editing.app : undefined}
            onSaved={(app) => {
              setEditing(null);
              notifyDone(`App "${app.title}" saved`);
            }}
          />
        )}
      </Modal>
      <ConfirmDeleteModal
        opened={deleting !== null}
        title="Delete app?"
        onCancel={() => setDeleting(null)}
        onConfirm={() => deleting && remove.mutate(deleting)}
        pending={remove.isPending}
        error={remove.error}
      >
        Delete <b>{deleting?.title}</b>? Its stored secrets are removed. An app that connections still use
        cannot be deleted.
      </ConfirmDeleteModal>
    </Stack>
  );
}
