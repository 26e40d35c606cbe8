import { Button, Group, Modal, Stack, Text } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from './error-alert.tsx';

/** "Delete …?" dialog: what goes, the error of the last try, and Cancel / Delete (or another drastic step). */
export function ConfirmDeleteModal({
  opened,
  title,
  onCancel,
  onConfirm,
  pending,
  error,
  confirmLabel = 'Delete',
  children,
}: {
  opened: boolean;
  title: string;
  onCancel(): void;
  onConfirm(): void;
  pending: boolean;
  error: unknown;
  confirmLabel?: string;
  children: ReactNode;
}) {
  return (
    <Modal opened={opened} onClose={onCancel} title={title}>
      <Stack>
        <Text size="sm">{children}</Text>
        <ErrorAlert error={error} />
        <Group justify="flex-end">
          <Button variant="default" onClick={onCancel}>
            Cancel
          </Button>
          <Button color="red" loading={pending} onClick={onConfirm}>
            {confirmLabel}
          </Button>
        </Group>
      </Stack>
    </Modal>
  );
}
