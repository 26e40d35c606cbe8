import { Code, SegmentedControl, Stack, Table, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useState } from 'react';
import { get } from '../api/client.ts';
import type { AuditEntry } from '../api/types.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { Loading } from '../components/loading.tsx';
import { useSession } from '../session.tsx';

type Scope = 'workspace' | 'hub';
/** Columns every change touches; they would only hide the fields that did change. */
const NOISE = new Set(['updated_at', 'updatedAt']);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);
const shown = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** What the entry did to its row: the fields that changed (old → new), or what was created or deleted. */
function RowChange({ entry }: { entry: AuditEntry }) {
  const { before, after } = entry;
  if (isRecord(before) && isRecord(after)) {
    const changed = Object.keys(after).filter(
      (key) => !NOISE.has(key) && JSON.stringify(before[key]) !== JSON.stringify(after[key]),
    );
    if (changed.length === 0) return null;
    return (
      <Stack gap={0} data-testid="audit-diff">
        {changed.map((key) => (
          <Text size="xs" key={key}>
            <b>{key}</b>: {shown(before[key])} → {shown(after[key])}
          </Text>
        ))}
      </Stack>
    );
  }
  if (isRecord(before)) return <Text size="xs">Deleted: {shown(before.name ?? before.id)}</Text>;
  if (isRecord(after)) return <Text size="xs">Created: {shown(after.name ?? after.email ?? after.id)}</Text>;
  return null;
}

/** Who changed what (owners and admins): the workspace's entries, or the hub's own. Secrets are never in it. */
export function AuditPage() {
  const { workspace } = useSession();
  const [scope, setScope] = useState<Scope>('workspace');
  const entries = useQuery({
    queryKey: ['workspace', workspace.id, 'audit', scope],
    queryFn: () =>
      get<AuditEntry[]>(scope === 'hub' ? '/audit?limit=200' : `/workspaces/${workspace.id}/audit?limit=200`),
  });
  return (
    <Stack>
      <div>
        <Title order={2}>Audit log</Title>
        <Text c="dimmed" size="sm">
          Every change to apps, connections, flows, destinations, members and tokens, and every refused
          attempt, newest first, with the row before and after.
        </Text>
      </div>
      <SegmentedControl
        w="fit-content"
        value={scope}
        onChange={(value) => setScope(value as Scope)}
        data={[
          { value: 'workspace', label: workspace.name },
          { value: 'hub', label: 'Hub (sign-ins, tokens, workspaces)' },
        ]}
      />
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
              <Table.Th>Sent</Table.Th>
              <Table.Th miw={240}>Before → after</Table.Th>
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
                  {entry.changes === null ? (
                    '—'
                  ) : (
                    <Code block maw={360} style={{ whiteSpace: 'pre-wrap', wordBreak: 'break-word' }}>
                      {JSON.stringify(entry.changes, null, 1)}
                    </Code>
                  )}
                </Table.Td>
                <Table.Td>
                  <RowChange entry={entry} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      )}
    </Stack>
  );
}
