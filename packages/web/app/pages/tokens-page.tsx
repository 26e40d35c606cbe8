import { Alert, Button, Card, Group, NumberInput, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { del, get, post } from '../api/client.ts';
import type { ApiToken } from '../api/types.ts';
import { CopyField } from '../components/copy-field.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { fieldError } from '../components/field-errors.ts';
import { LIMITS } from '../components/field-limits.ts';
import { Loading } from '../components/loading.tsx';
import { notifyDone } from '../components/notify.ts';

const TOKENS_KEY = ['tokens'];
const when = (iso: string | null) => (iso ? new Date(iso).toLocaleString() : '—');

export function TokensPage() {
  const queryClient = useQueryClient();
  const tokens = useQuery({ queryKey: TOKENS_KEY, queryFn: () => get<ApiToken[]>('/tokens') });
  const [name, setName] = useState('');
  const [days, setDays] = useState<number | string>('');
  const create = useMutation({
    mutationFn: () =>
      post<ApiToken & { token: string }>('/tokens', {
        name,
        ...(typeof days === 'number' ? { expiresInDays: days } : {}),
      }),
    onSuccess: () => {
      setName('');
      return queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });
  const revoke = useMutation({
    mutationFn: (token: ApiToken) => del(`/tokens/${token.id}`),
    onSuccess: (_, token) => {
      notifyDone(`Token "${token.name}" revoked`);
      return queryClient.invalidateQueries({ queryKey: TOKENS_KEY });
    },
  });
  // Mantine would quietly clamp −5 to 1; a refused value is said, not changed.
  const daysProblem =
    typeof days === 'number' && (!Number.isInteger(days) || days < 1 || days > LIMITS.tokenDays)
      ? `Enter a whole number of days from 1 to ${LIMITS.tokenDays}, or leave it empty for a token that never expires.`
      : undefined;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (!daysProblem) create.mutate();
  };

  return (
    <Stack>
      <div>
        <Title order={2}>API tokens</Title>
        <Text c="dimmed" size="sm">
          For scripts and the CLI: send as <code>Authorization: Bearer …</code>. A token acts as you.
        </Text>
      </div>
      <Card withBorder>
        <Stack component="form" onSubmit={submit} gap="sm">
          <Group align="flex-start">
            <TextInput
              label="Name"
              name="tokenName"
              required
              maxLength={LIMITS.tokenName}
              error={fieldError(create.error, 'name')}
              value={name}
              onChange={(e) => setName(e.currentTarget.value)}
              style={{ flex: 1 }}
            />
            <NumberInput
              label="Expires after (days)"
              name="expiresInDays"
              placeholder="never"
              min={1}
              max={LIMITS.tokenDays}
              clampBehavior="none"
              allowDecimal={false}
              error={daysProblem ?? fieldError(create.error, 'expiresInDays')}
              value={days}
              onChange={setDays}
              w={200}
            />
            <Button type="submit" loading={create.isPending} disabled={!!daysProblem} mt={25}>
              Create token
            </Button>
          </Group>
          <ErrorAlert error={create.error} fields={['name', 'expiresInDays']} />
          {create.data && (
            <Alert color="green" title={`Token "${create.data.name}" created`}>
              <Stack gap={4}>
                <Text size="sm">Copy it now: it is shown only once.</Text>
                <CopyField value={create.data.token} label="token" />
              </Stack>
            </Alert>
          )}
        </Stack>
      </Card>
      <ErrorAlert error={tokens.error ?? revoke.error} />
      {tokens.isPending ? (
        <Loading />
      ) : tokens.data?.length === 0 ? (
        <Text c="dimmed">No tokens.</Text>
      ) : (
        <Table striped verticalSpacing="sm">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Name</Table.Th>
              <Table.Th>Starts with</Table.Th>
              <Table.Th>Created</Table.Th>
              <Table.Th>Last used</Table.Th>
              <Table.Th>Expires</Table.Th>
              <Table.Th />
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {tokens.data?.map((t) => (
              <Table.Tr key={t.id}>
                <Table.Td>{t.name}</Table.Td>
                <Table.Td>
                  <code>{t.prefix}…</code>
                </Table.Td>
                <Table.Td>{when(t.createdAt)}</Table.Td>
                <Table.Td>{when(t.lastUsedAt)}</Table.Td>
                <Table.Td>{when(t.expiresAt)}</Table.Td>
                <Table.Td>
                  <Button size="xs" variant="light" color="red" onClick={() => revoke.mutate(t)}>
                    Revoke
                  </Button>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
