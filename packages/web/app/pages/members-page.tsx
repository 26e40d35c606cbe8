import { Badge, Button, Card, Group, Select, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { del, get, patch, post } from '../api/client.ts';
import type { CreatedInvitation, Invitation, Member, Role } from '../api/types.ts';
import { ConfirmDeleteModal } from '../components/confirm-delete-modal.tsx';
import { CopyField } from '../components/copy-field.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { fieldError } from '../components/field-errors.ts';
import { LIMITS } from '../components/field-limits.ts';
import { Loading } from '../components/loading.tsx';
import { submitWith } from '../components/submit-with.ts';
import { atLeast, useSession } from '../session.tsx';

const ROLE_OPTIONS = [
  { value: 'viewer', label: 'Viewer — reads everything' },
  { value: 'admin', label: 'Admin — manages apps, connections, members' },
  { value: 'owner', label: 'Owner — also grants ownership' },
];

export function MembersPage() {
  const { workspace, me, canAdmin } = useSession();
  const queryClient = useQueryClient();
  const membersKey = ['workspace', workspace.id, 'members'];
  const invitationsKey = ['workspace', workspace.id, 'invitations'];
  const members = useQuery({
    queryKey: membersKey,
    queryFn: () => get<Member[]>(`/workspaces/${workspace.id}/members`),
  });
  const invitations = useQuery({
    queryKey: invitationsKey,
    queryFn: () => get<Invitation[]>(`/workspaces/${workspace.id}/invitations`),
    enabled: canAdmin,
  });
  const changeRole = useMutation({
    mutationFn: ({ userId, role }: { userId: string; role: Role }) =>
      patch(`/workspaces/${workspace.id}/members/${userId}`, { role }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: membersKey }),
  });
  const [removing, setRemoving] = useState<Member | null>(null);
  const removeMember = useMutation({
    mutationFn: (userId: string) => del(`/workspaces/${workspace.id}/members/${userId}`),
    onSuccess: async () => {
      setRemoving(null);
      await queryClient.invalidateQueries({ queryKey: membersKey });
    },
  });
  const revoke = useMutation({
    mutationFn: (id: string) => del(`/workspaces/${workspace.id}/invitations/${id}`),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: invitationsKey }),
  });
  const isOwner = atLeast(workspace.role, 'owner');
  const owners = members.data?.filter((m) => m.role === 'owner').length ?? 0;
  // Hide what this role cannot do: only owners manage owners, and the last owner cannot leave.
  const canManage = (m: Member) => canAdmin && m.userId !== me.user.id && (isOwner || m.role !== 'owner');
  const canLeave = (m: Member) => m.userId === me.user.id && (m.role !== 'owner' || owners > 1);

  return (
    <Stack>
      <Title order={2}>Members of {workspace.name}</Title>
      <ErrorAlert error={members.error ?? changeRole.error} />
      {members.isPending ? (
        <Loading />
      ) : (
        <Table striped verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>E-mail</Table.Th>
              <Table.Th>Role</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {members.data?.map((m) => (
              <Table.Tr key={m.userId}>
                <Table.Td>
                  {m.name} {m.userId === me.user.id && <Badge variant="light">you</Badge>}
                </Table.Td>
                <Table.Td>{m.email}</Table.Td>
                <Table.Td w={280}>
                  {canManage(m) ? (
                    <Select
                      aria-label={`Role of ${m.email}`}
                      data={ROLE_OPTIONS.filter((o) => isOwner || o.value !== 'owner' || m.role === 'owner')}
                      value={m.role}
                      allowDeselect={false}
                      onChange={(role) => role && changeRole.mutate({ userId: m.userId, role: role as Role })}
                    />
                  ) : (
                    m.role
                  )}
                </Table.Td>
                <Table.Td>
                  {(canManage(m) || canLeave(m)) && (
                    <Button size="xs" variant="light" color="red" onClick={() => setRemoving(m)}>
                      {m.userId === me.user.id ? 'Leave' : 'Remove'}
                    </Button>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ConfirmDeleteModal
        opened={removing !== null}
        title={removing?.userId === me.user.id ? `Leave ${workspace.name}?` : 'Remove member?'}
        confirmLabel={removing?.userId === me.user.id ? 'Leave' : 'Remove'}
        onCancel={() => {
          setRemoving(null);
          removeMember.reset();
        }}
        onConfirm={() => removing && removeMember.mutate(removing.userId)}
        pending={removeMember.isPending}
        error={removeMember.error}
      >
        {removing?.userId === me.user.id ? (
          <>You lose access to this workspace until someone invites you again.</>
        ) : (
          <>
            Remove <b>{removing?.name}</b> ({removing?.email}) from {workspace.name}? They lose access at
            once.
          </>
        )}
      </ConfirmDeleteModal>
      {canAdmin && (
        <>
          <Title order={3}>Invitations</Title>
          <InviteForm workspaceId={workspace.id} isOwner={isOwner} />
          <ErrorAlert error={invitations.error ?? revoke.error} />
          {invitations.data && invitations.data.length > 0 && (
            <Table verticalSpacing="xs">
              <Table.Thead>
                <Table.Tr>
                  <Table.Th>E-mail</Table.Th>
                  <Table.Th>Role</Table.Th>
                  <Table.Th>Status</Table.Th>
                  <Table.Th>Expires</Table.Th>
                  <Table.Th />
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {invitations.data.map((i) => (
                  <Table.Tr key={i.id}>
                    <Table.Td>{i.email}</Table.Td>
                    <Table.Td>{i.role}</Table.Td>
                    <Table.Td>{i.status}</Table.Td>
                    <Table.Td>{new Date(i.expiresAt).toLocaleString()}</Table.Td>
                    <Table.Td>
                      {i.status === 'pending' && (
                        <Button size="xs" variant="light" color="red" onClick={() => revoke.mutate(i.id)}>
                          Revoke
                        </Button>
                      )}
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          )}
        </>
      )}
    </Stack>
  );
}

function InviteForm({ workspaceId, isOwner }: { workspaceId: string; isOwner: boolean }) {
  const queryClient = useQueryClient();
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<Role>('viewer');
  const invite = useMutation({
    mutationFn: () => post<CreatedInvitation>(`/workspaces/${workspaceId}/invitations`, { email, role }),
    onSuccess: () => {
      setEmail('');
      return queryClient.invalidateQueries({ queryKey: ['workspace', workspaceId, 'invitations'] });
    },
  });
  const submit = submitWith(invite);
  return (
    <Card withBorder>
      <Stack component="form" onSubmit={submit} gap="sm">
        <Group align="flex-end">
          <TextInput
            label="E-mail"
            type="email"
            name="inviteEmail"
            required
            maxLength={LIMITS.email}
            error={fieldError(invite.error, 'email')}
            value={email}
            onChange={(e) => setEmail(e.currentTarget.value)}
            style={{ flex: 1 }}
          />
          <Select
            label="Role"
            data={ROLE_OPTIONS.filter((o) => isOwner || o.value !== 'owner')}
            value={role}
            allowDeselect={false}
            onChange={(value) => setRole((value ?? 'viewer') as Role)}
            w={300}
          />
          <Button type="submit" loading={invite.isPending}>
            Invite
          </Button>
        </Group>
        <ErrorAlert error={invite.error} fields={['email']} />
        {invite.data && (
          <Stack gap={4}>
            {invite.data.emailed.status === 'sent' ? (
              <Text size="sm" data-testid="invitation-emailed">
                E-mailed the link to <b>{invite.data.email}</b>. It works once; it is shown only now:
              </Text>
            ) : (
              <Text size="sm">
                Send this link to <b>{invite.data.email}</b>. It is shown only now and works once:
              </Text>
            )}
            {invite.data.emailed.status === 'failed' && (
              <Text size="sm" c="red.8">
                The e-mail could not be sent: {invite.data.emailed.error}
              </Text>
            )}
            <CopyField value={invite.data.url} label="invitation link" />
          </Stack>
        )}
      </Stack>
    </Card>
  );
}
