import { Badge } from '@mantine/core';
import type { FlowStatus, RunStatus, RunStream } from '../api/types.ts';

type Status = FlowStatus | RunStatus | RunStream['status'];

const LOOK: Record<Status, { color: string; label: string }> = {
  idle: { color: 'gray', label: 'Idle' },
  queued: { color: 'gray', label: 'Queued' },
  running: { color: 'blue', label: 'Running' },
  succeeded: { color: 'green', label: 'Succeeded' },
  failed: { color: 'red', label: 'Failed' },
  skipped: { color: 'yellow', label: 'Skipped' },
  needs_reauth: { color: 'orange', label: 'Needs re-authorization' },
  interrupted: { color: 'orange', label: 'Interrupted' },
};

/** The state of a flow, a run or one of its streams, in the colours the connection badge uses. */
export function RunStatusBadge({ status }: { status: Status }) {
  const look = LOOK[status];
  return (
    <Badge color={look.color} variant="light" data-run-status={status}>
      {look.label}
    </Badge>
  );
}

/** A paused flow keeps its last status; the pause is what the user needs to see first. */
export function FlowStateBadges({ status, enabled }: { status: FlowStatus; enabled: boolean }) {
  return (
    <>
      {!enabled && (
        <Badge color="gray" variant="outline" data-testid="paused">
          Paused
        </Badge>
      )}
      <RunStatusBadge status={status} />
    </>
  );
}
