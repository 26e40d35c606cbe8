import { Button, Group } from '@mantine/core';
import type { ReactNode } from 'react';
import { ErrorAlert } from './error-alert.tsx';

/** The end of a form: the error of the last submit, then the submit button on the right. */
export function SubmitRow({
  error,
  pending,
  disabled,
  fields,
  children,
}: {
  error: unknown;
  /** Inputs that show their own refused value (`fieldError`). */
  fields?: string[];
  pending: boolean;
  disabled?: boolean;
  children: ReactNode;
}) {
  return (
    <>
      <ErrorAlert error={error} fields={fields} />
      <Group justify="flex-end">
        <Button type="submit" loading={pending} disabled={disabled}>
          {children}
        </Button>
      </Group>
    </>
  );
}
