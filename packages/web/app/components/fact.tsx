import { Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A small caption over a value: how the flow pages list what a flow is and did. */
export function Fact({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Text size="sm" component="div">
        {children}
      </Text>
    </div>
  );
}
