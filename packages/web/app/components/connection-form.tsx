import { NativeSelect, Stack, Switch, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { post } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { Connection, ExactApp } from '../api/types.ts';
import { fieldError } from './field-errors.ts';
import { LIMITS } from './field-limits.ts';
import { SubmitRow } from './submit-row.tsx';
import { submitWith } from './submit-with.ts';

export function ConnectionForm({
  workspaceId,
  apps,
  defaultAppId,
  onCreated,
}: {
  workspaceId: string;
  apps: ExactApp[];
  defaultAppId?: string;
  onCreated(connection: Connection): void;
}) {
  const queryClient = useQueryClient();
  const [name, setName] = useState('');
  const [appId, setAppId] = useState(defaultAppId ?? apps[0]?.id ?? '');
  const [active, setActive] = useState(true);
  const create = useMutation({
    mutationFn: () => post<Connection>(`/workspaces/${workspaceId}/connections`, { name, appId, active }),
    onSuccess: async (connection) => {
      await queryClient.invalidateQueries({ queryKey: keys.connections(workspaceId) });
      onCreated(connection);
    },
  });
  const submit = submitWith(create);
  return (
    <Stack component="form" onSubmit={submit} gap="sm">
      <TextInput
        label="Connection name"
        name="connectionName"
        maxLength={LIMITS.name}
        error={fieldError(create.error, 'name')}
        description="e.g. the company or administration group it serves"
        required
        value={name}
        onChange={(e) => setName(e.currentTarget.value)}
      />
      <NativeSelect
        label="Exact app"
        name="appId"
        data={apps.map((app) => ({ value: app.id, label: app.title }))}
        value={appId}
        onChange={(e) => setAppId(e.currentTarget.value)}
        required
      />
      <Switch
        label="Active"
        description="Inactive connections keep their authorization but run nothing"
        checked={active}
        onChange={(e) => setActive(e.currentTarget.checked)}
      />
      <SubmitRow error={create.error} fields={['name']} pending={create.isPending} disabled={!appId}>
        Create connection
      </SubmitRow>
    </Stack>
  );
}
