import { Group, Stack, Text } from '@mantine/core';
import { useQueryClient } from '@tanstack/react-query';
import { useEffect, useRef } from 'react';
import { flowKeys, useRuns } from '../api/queries.ts';
import type { Flow, RunStatus } from '../api/types.ts';
import { count, durationText, runDurationMs } from './run-figures.ts';
import { RunStatusBadge } from './run-status-badge.tsx';

/** The flow's own status moves with its newest run: ask for the flow again when that run's status changes. */
export function useFlowFollowsRun(flow: Pick<Flow, 'id' | 'workspaceId'>, status: RunStatus | undefined) {
  const queryClient = useQueryClient();
  const seen = useRef(status);
  useEffect(() => {
    if (seen.current === status) return;
    seen.current = status;
    void queryClient.invalidateQueries({ queryKey: flowKeys.flows(flow.workspaceId) });
    void queryClient.invalidateQueries({ queryKey: flowKeys.flow(flow.id) });
  }, [status, queryClient, flow.workspaceId, flow.id]);
}

/** A flow's newest run (queued ones too): status, rows, duration; followed while it works. */
export function LastRun({ flow }: { flow: Flow }) {
  const runs = useRuns(flow.id, 1);
  const latest = runs.data?.[0];
  useFlowFollowsRun(flow, latest?.status);

  if (!latest)
    return (
      <Text size="sm" c="dimmed">
        {runs.isPending ? '…' : 'Never run'}
      </Text>
    );
  const duration = runDurationMs(latest);
  return (
    <Stack gap={2} data-testid="last-run" data-status={latest.status}>
      <Group gap={6}>
        <RunStatusBadge status={latest.status} />
        <Text size="xs" c="dimmed">
          {new Date(latest.startedAt ?? latest.queuedAt).toLocaleString()}
        </Text>
      </Group>
      <Text size="sm" data-testid="last-run-rows">
        {count(latest.totals.rowsWritten)} rows written
        {latest.totals.rowsDeleted > 0 && `, ${count(latest.totals.rowsDeleted)} deleted`}
        {duration !== undefined && ` in ${durationText(duration)}`}
      </Text>
      {latest.error && (
        <Text size="xs" c="red.8">
          {latest.error.message}
        </Text>
      )}
    </Stack>
  );
}
