import { Badge } from '@mantine/core';
import type { ConnectionStatus } from '../api/types.ts';

const LOOK: Record<ConnectionStatus, { color: string; label: string }> = {
  not_authorized: { color: 'gray', label: 'Not authorized' },
  active: { color: 'green', label: 'Active' },
  inactive: { color: 'yellow', label: 'Inactive' },
  needs_reauth: { color: 'orange', label: 'Needs re-authorization' },
  error: { color: 'red', label: 'Error' },
};

export function StatusBadge({ status }: { status: ConnectionStatus }) {
  const look = LOOK[status];
  return (
    <Badge color={look.color} variant="light" data-status={status}>
      {look.label}
    </Badge>
  );
}
