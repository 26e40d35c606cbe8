import { Code, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client.ts';
import type { AuditEntry } from '../api/types.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { Loading } from '../components/loading.tsx';
import { useSession } from '../session.tsx';

/** Who changed what in the workspace (owners and admins): secrets are never in it. */
export function AuditPage() {
  const { workspace } = useSession();
  const entries = useQuery({
    queryKey: ['workspace', workspace.id, 'audit'],
    queryFn: () => get<AuditEntry[]>(`/workspaces/${workspace.id}/audit?limit=200`),
  });
  return (
    <Stack>
      <div>
        <Title order={2}>Audit log</Title>
        <Text c="dimmed" size="sm">
          Every change to apps, connections, flows, destinations, members and tokens, and every refused
          attempt, newest first.
        </Text>
      </div>
      <ErrorAlert error={entries.error} title="Could not load the audit log" />
      {entries.isPending ? (
        <Loading />
      ) : (
        <Table data-testid="audit-log">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>When</Table.Th>
              <Table.Th>Who</Table.Th>
              <Table.Th>What</Table.Th>
              <Table.Th>Answer</Table.Th>
              <Table.Th>Changes</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {entries.data?.map((entry) => (
              <Table.Tr key={entry.id}>
                <Table.Td>{new Date(entry.at).toLocaleString()}</Table.Td>
                <Table.Td>{entry.actorEmail ?? 'anonymous'}</Table.Td>
                <Table.Td>
                  <Code>{entry.action}</Code>
                </Table.Td>
                <Table.Td>{entry.status}</Table.Td>
                <Table.Td>
                  {entry.changes === null ? '—' : <Code block>{JSON.stringify(entry.changes, null, 1)}</Code>}
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
