import { Badge, Button, Checkbox, Group, Stack, Table, Text } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useEffect, useState } from 'react';
import { post, put } from '../api/client.ts';
import { authorizeUrl, keys, useDivisions } from '../api/queries.ts';
import type { Division } from '../api/types.ts';
import { DivisionsUnknown } from './divisions-unknown.tsx';
import { ErrorAlert } from './error-alert.tsx';
import { Loading } from './loading.tsx';

/** The divisions Exact listed for a connection, with checkboxes to choose the ones Koppel uses. */
export function DivisionsPanel({
  connectionId,
  canAdmin,
  authorized,
  onSaved,
  returnTo,
}: {
  connectionId: string;
  canAdmin: boolean;
  authorized: boolean;
  /** Where "authorize again" comes back to (the page showing this panel). */
  returnTo: string;
  onSaved?(divisions: Division[]): void;
}) {
  const queryClient = useQueryClient();
  const divisions = useDivisions(connectionId);
  const [selected, setSelected] = useState<Set<number>>(new Set());
  useEffect(() => {
    if (divisions.data) setSelected(new Set(divisions.data.filter((d) => d.linked).map((d) => d.code)));
  }, [divisions.data]);

  const store = (rows: Division[]) => {
    queryClient.setQueryData(keys.divisions(connectionId), rows);
    void queryClient.invalidateQueries({ queryKey: keys.events(connectionId) });
  };
  const save = useMutation({
    mutationFn: () => put<Division[]>(`/connections/${connectionId}/divisions`, { codes: [...selected] }),
    onSuccess: (rows) => {
      store(rows);
      onSaved?.(rows);
    },
  });
  const refresh = useMutation({
    mutationFn: (via?: number) =>
      post<Division[]>(`/connections/${connectionId}/divisions/refresh`, via ? { via } : {}),
    onSuccess: store,
  });
  const toggle = (code: number, on: boolean) =>
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(code);
      else next.delete(code);
      return next;
    });

  if (divisions.isPending) return <Loading />;
  const rows = divisions.data ?? [];
  const saved = new Set(rows.filter((d) => d.linked).map((d) => d.code));
  const changed = saved.size !== selected.size || [...selected].some((code) => !saved.has(code));
  return (
    <Stack gap="sm">
      <ErrorAlert error={divisions.error} title="Could not load the divisions" />
      {rows.length === 0 && authorized ? (
        <DivisionsUnknown
          canAdmin={canAdmin}
          reading={refresh.isPending}
          onReadVia={(code) => refresh.mutate(code)}
          authorizeAgain={authorizeUrl(connectionId, returnTo)}
        />
      ) : rows.length === 0 ? (
        <Text c="dimmed" size="sm">
          No divisions yet: authorize the connection, or read them again from Exact.
        </Text>
      ) : (
        <Table verticalSpacing="xs" data-testid="divisions">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={60}>Link</Table.Th>
              <Table.Th>Division</Table.Th>
              {/* On a phone code and country go under the name, so the scope badge stays in view. */}
              <Table.Th visibleFrom="sm">Code</Table.Th>
              <Table.Th visibleFrom="sm">Country</Table.Th>
              <Table.Th>In scope</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {rows.map((d) => (
              <Table.Tr key={d.code} data-division={d.code}>
                <Table.Td>
                  <Checkbox
                    aria-label={`Link ${d.description ?? d.code}`}
                    checked={selected.has(d.code)}
                    disabled={!canAdmin || (!d.inScope && !selected.has(d.code))}
                    onChange={(e) => toggle(d.code, e.currentTarget.checked)}
                  />
                </Table.Td>
                <Table.Td>
                  {d.description ?? `Division ${d.code}`}
                  <Text size="xs" c="dimmed" hiddenFrom="sm">
                    {d.code}
                    {d.country ? ` · ${d.country}` : ''}
                  </Text>
                </Table.Td>
                <Table.Td visibleFrom="sm">{d.code}</Table.Td>
                <Table.Td visibleFrom="sm">{d.country ?? '—'}</Table.Td>
                <Table.Td>
                  {d.inScope ? (
                    <Badge color="green" variant="light">
                      granted
                    </Badge>
                  ) : (
                    <Badge color="orange" variant="light" title="Exact no longer lists this division">
                      not granted
                    </Badge>
                  )}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
      <ErrorAlert error={save.error ?? refresh.error} />
      {canAdmin && (
        <Group justify="space-between">
          <Button
            variant="default"
            onClick={() => refresh.mutate(undefined)}
            loading={refresh.isPending}
            disabled={!authorized}
          >
            Read divisions from Exact again
          </Button>
          <Group gap="xs">
            {save.isSuccess && !changed && (
              <Text size="sm" c="green">
                Saved: {saved.size} linked
              </Text>
            )}
            <Button onClick={() => save.mutate()} loading={save.isPending} disabled={rows.length === 0}>
              Save linked divisions
            </Button>
          </Group>
        </Group>
      )}
    </Stack>
  );
}
