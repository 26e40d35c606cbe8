import { PasswordInput, Stack, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { patch, post } from '../api/client.ts';
import { flowKeys } from '../api/queries.ts';
import type { Destination } from '../api/types.ts';
import { fieldError } from './field-errors.ts';
import { LIMITS } from './field-limits.ts';
import { SubmitRow } from './submit-row.tsx';
import { submitWith } from './submit-with.ts';

/** Create or edit a Postgres destination. The connection string is write-only: empty on edit keeps it. */
export function DestinationForm({
  workspaceId,
  existing,
  onSaved,
}: {
  workspaceId: string;
  existing?: Destination;
  onSaved(destination: Destination): void;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState(existing?.name ?? '');
  const [connectionString, setConnectionString] = useState('');
  const save = useMutation({
    mutationFn: () => {
      const url = connectionString.trim();
      return existing
        ? patch<Destination>(`/workspaces/${workspaceId}/destinations/${existing.id}`, {
            name,
            ...(url ? { connectionString: url } : {}),
          })
        : post<Destination>(`/workspaces/${workspaceId}/destinations`, { name, connectionString: url });
    },
    onSuccess: async (destination) => {
      await queryClient.invalidateQueries({ queryKey: flowKeys.destinations(workspaceId) });
      onSaved(destination);
    },
  });
  return (
    <Stack component="form" onSubmit={submitWith(save)}>
      <TextInput
        label="Name"
        name="destinationName"
        maxLength={LIMITS.name}
        error={fieldError(save.error, 'name')}
        required
        placeholder="Warehouse"
        value={name}
        onChange={(event) => setName(event.currentTarget.value)}
      />
      <PasswordInput
        label="Connection string"
        name="connectionString"
        maxLength={LIMITS.connectionString}
        error={fieldError(save.error, 'connectionString')}
        required={!existing}
        placeholder="postgres://user:password@db.example.nl:5432/warehouse"
        description={
          existing
            ? `Now ${existing.location}. Leave empty to keep the stored one (with its password).`
            : 'Stored encrypted; the hub never shows the password again. The user needs CREATE on the database.'
        }
        value={connectionString}
        onChange={(event) => setConnectionString(event.currentTarget.value)}
      />
      <SubmitRow error={save.error} fields={['name', 'connectionString']} pending={save.isPending}>
        {existing ? 'Save destination' : 'Create destination'}
      </SubmitRow>
    </Stack>
  );
}
