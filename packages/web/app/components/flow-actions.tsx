import { Button, Group } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type ReactNode, useState } from 'react';
import { patch, post } from '../api/client.ts';
import { flowKeys } from '../api/queries.ts';
import type { Flow, Run } from '../api/types.ts';
import { ConfirmDeleteModal } from './confirm-delete-modal.tsx';
import { ErrorAlert } from './error-alert.tsx';
import { notifyDone } from './notify.ts';

/** Run now, full resync (after a confirmation) and pause/resume, for admins. */
export function FlowActions({
  flow,
  size = 'sm',
  children,
}: {
  flow: Flow;
  size?: 'xs' | 'sm';
  /** More buttons for the same row. */
  children?: ReactNode;
}) {
  const queryClient = useQueryClient();
  const [confirmResync, setConfirmResync] = useState(false);
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: flowKeys.flows(flow.workspaceId) }),
      queryClient.invalidateQueries({ queryKey: flowKeys.flow(flow.id) }),
      queryClient.invalidateQueries({ queryKey: flowKeys.runs(flow.id) }),
    ]);
  const run = useMutation({
    mutationFn: () => post<Run>(`/flows/${flow.id}/run`),
    onSuccess: async () => {
      await refresh();
      notifyDone(`"${flow.name}": run queued`);
    },
  });
  const resync = useMutation({
    mutationFn: () => post<Run>(`/flows/${flow.id}/resync`),
    onSuccess: async () => {
      setConfirmResync(false);
      await refresh();
      notifyDone(`"${flow.name}": full resync queued`);
    },
  });
  const toggle = useMutation({
    mutationFn: () => patch<Flow>(`/flows/${flow.id}`, { enabled: !flow.enabled }),
    onSuccess: async (updated) => {
      await refresh();
      notifyDone(`"${flow.name}" ${updated.enabled ? 'enabled' : 'paused'}`);
    },
  });
  return (
    <>
      <Group gap="xs" wrap="wrap">
        <Button size={size} onClick={() => run.mutate()} loading={run.isPending}>
          Run now
        </Button>
        <Button size={size} variant="default" onClick={() => toggle.mutate()} loading={toggle.isPending}>
          {flow.enabled ? 'Pause' : 'Resume'}
        </Button>
        <Button size={size} variant="light" color="orange" onClick={() => setConfirmResync(true)}>
          Full resync
        </Button>
        {children}
      </Group>
      <ErrorAlert error={run.error ?? toggle.error} />
      <ConfirmDeleteModal
        opened={confirmResync}
        title="Full resync?"
        confirmLabel="Resync"
        onCancel={() => setConfirmResync(false)}
        onConfirm={() => resync.mutate()}
        pending={resync.isPending}
        error={resync.error}
      >
        <b>{flow.name}</b> reads every record again from Exact, which costs API calls from the daily limit,
        and then removes (or marks deleted) the rows Exact no longer has. Incremental runs normally keep the
        tables current without this.
      </ConfirmDeleteModal>
    </>
  );
}
