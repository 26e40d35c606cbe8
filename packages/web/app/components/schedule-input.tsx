import { Select, Stack, Text, TextInput } from '@mantine/core';
import { useState } from 'react';
import { LIMITS } from './field-limits.ts';
import { nextRunOf } from './next-run.ts';

const PRESETS = [
  { value: '*/15 * * * *', label: 'Every 15 minutes' },
  { value: '0 * * * *', label: 'Every hour' },
  { value: '0 */6 * * *', label: 'Every 6 hours' },
  { value: '0 2 * * *', label: 'Every night at 02:00 UTC' },
] as const;
const CUSTOM = 'custom';

/** A schedule as a preset or a custom five-field cron (UTC), with the next time it fires. */
export function ScheduleInput({
  value,
  onChange,
  readOnly,
}: {
  value: string;
  onChange(cron: string): void;
  readOnly?: boolean;
}) {
  const isPreset = PRESETS.some((preset) => preset.value === value);
  const [custom, setCustom] = useState(!isPreset);
  const next = nextRunOf(value);
  return (
    <Stack gap={6}>
      <Select
        label="Schedule"
        name="schedule-preset"
        data={[...PRESETS, { value: CUSTOM, label: 'Custom (cron)' }]}
        value={custom ? CUSTOM : value}
        allowDeselect={false}
        disabled={readOnly}
        onChange={(chosen) => {
          if (!chosen) return;
          setCustom(chosen === CUSTOM);
          if (chosen !== CUSTOM) onChange(chosen);
        }}
      />
      {custom && (
        <TextInput
          label="Cron expression"
          name="schedule"
          maxLength={LIMITS.schedule}
          description="Five fields in UTC: minute hour day-of-month month day-of-week, e.g. 30 6 * * 1-5"
          value={value}
          disabled={readOnly}
          error={next === undefined ? 'Not a valid five-field cron expression' : undefined}
          onChange={(event) => onChange(event.currentTarget.value)}
        />
      )}
      {next && (
        <Text size="xs" c="dimmed" data-testid="schedule-next">
          Next run {next.toLocaleString()}
        </Text>
      )}
    </Stack>
  );
}

export function scheduleLabel(cron: string): string {
  return PRESETS.find((preset) => preset.value === cron)?.label ?? cron;
}
