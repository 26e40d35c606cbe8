import { Alert, Button, Code, Group, List, Stack, Text, ThemeIcon } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { post } from '../api/client.ts';
import { keys } from '../api/queries.ts';
import type { Connection, ConnectionTest, ExactFailure } from '../api/types.ts';
import { ErrorAlert } from './error-alert.tsx';

/** Runs the connection test and shows the last result: one line per check, with Exact's reason. */
export function TestPanel({ connection, canAdmin }: { connection: Connection; canAdmin: boolean }) {
  const queryClient = useQueryClient();
  const run = useMutation({
    mutationFn: () => post<ConnectionTest>(`/connections/${connection.id}/test`),
    onSuccess: async () => {
      await Promise.all([
        queryClient.invalidateQueries({ queryKey: keys.connection(connection.id) }),
        queryClient.invalidateQueries({ queryKey: keys.connections(connection.workspaceId) }),
      ]);
    },
  });
  const result = run.data ?? connection.lastTest;
  return (
    <Stack gap="sm">
      {canAdmin && (
        <Group>
          <Button onClick={() => run.mutate()} loading={run.isPending} disabled={!connection.authorized}>
            Test connection
          </Button>
          {!connection.authorized && (
            <Text size="sm" c="dimmed">
              Authorize the connection first.
            </Text>
          )}
        </Group>
      )}
      <ErrorAlert error={run.error} title="The test could not run" />
      {result ? <TestResult result={result} /> : <Text c="dimmed">Not tested yet.</Text>}
    </Stack>
  );
}

function TestResult({ result }: { result: ConnectionTest }) {
  return (
    <Alert
      color={result.ok ? 'green' : 'red'}
      title={result.ok ? 'Connection works' : 'Connection test failed'}
      data-testid="test-result"
      data-ok={String(result.ok)}
    >
      <Stack gap={6}>
        <Text size="sm">{result.summary}</Text>
        <List spacing={4} size="sm" center>
          <Check ok={result.user.ok} failure={result.user.failure}>
            Exact user{result.user.name ? `: ${result.user.name}` : ''}
          </Check>
          <Check ok={result.scope.ok} failure={result.scope.failure}>
            Scope of the authorization
          </Check>
          {result.divisions.map((d) => (
            <Check key={d.code} ok={d.ok} failure={d.failure} testId={`division-check-${d.code}`}>
              {d.description ?? 'Division'} ({d.code})
            </Check>
          ))}
        </List>
        <Text size="xs" c="dimmed">
          Tested {new Date(result.testedAt).toLocaleString()}
        </Text>
      </Stack>
    </Alert>
  );
}

function Check({
  ok,
  failure,
  children,
  testId,
}: {
  ok: boolean;
  failure: ExactFailure | null;
  children: ReactNode;
  testId?: string;
}) {
  return (
    <List.Item
      data-testid={testId}
      data-ok={String(ok)}
      icon={
        <ThemeIcon color={ok ? 'green' : 'red'} size={20} radius="xl">
          {ok ? '✓' : '✗'}
        </ThemeIcon>
      }
    >
      {children}
      {failure && (
        <Text size="sm" c="red.8">
          {failure.message}
          {failure.reason && (
            <>
              {' '}
              <Code>{failure.reason}</Code>
            </>
          )}
        </Text>
      )}
    </List.Item>
  );
}
