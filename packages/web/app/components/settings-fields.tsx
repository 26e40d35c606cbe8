import { NumberInput, Select, Stack, Switch, Text, TextInput } from '@mantine/core';
import type { SettingSchema, SettingsSchema } from '../api/types.ts';
import { type Settings, settingLabel, settingsProblems } from './settings-values.ts';

/** A package's settings as a form, rendered from its JSON Schema with each default and description. */
export function SettingsFields({
  schema,
  values,
  onChange,
  readOnly,
}: {
  schema: SettingsSchema;
  values: Settings;
  onChange(values: Settings): void;
  readOnly?: boolean;
}) {
  const fields = Object.entries(schema.properties ?? {});
  if (fields.length === 0) return <Text c="dimmed">This package has no settings.</Text>;
  const problems = settingsProblems(schema, values);
  return (
    <Stack gap="sm" data-testid="settings-fields">
      {fields.map(([name, field]) => (
        <SettingField
          key={name}
          name={name}
          field={field}
          value={values[name]}
          error={problems[name]}
          readOnly={readOnly}
          onChange={(value) => onChange({ ...values, [name]: value })}
        />
      ))}
    </Stack>
  );
}

function SettingField({
  name,
  field,
  value,
  error,
  readOnly,
  onChange,
}: {
  name: string;
  field: SettingSchema;
  value: unknown;
  error: string | undefined;
  readOnly: boolean | undefined;
  onChange(value: unknown): void;
}) {
  const label = field.title ?? settingLabel(name);
  const description = [field.description, defaultNote(field)].filter(Boolean).join(' ');
  const common = { label, description, disabled: readOnly, name: `setting-${name}` };
  if (field.enum) {
    return (
      <Select
        {...common}
        data={field.enum.map(String)}
        value={value === undefined ? null : String(value)}
        allowDeselect={false}
        onChange={(chosen) => onChange(field.type === 'string' ? chosen : Number(chosen))}
      />
    );
  }
  if (field.type === 'boolean') {
    return (
      <Switch
        {...common}
        checked={Boolean(value)}
        onChange={(event) => onChange(event.currentTarget.checked)}
      />
    );
  }
  if (field.type === 'integer' || field.type === 'number') {
    return (
      <NumberInput
        {...common}
        value={typeof value === 'number' ? value : ''}
        min={field.minimum}
        max={field.maximum}
        allowDecimal={field.type === 'number'}
        onChange={(chosen) => onChange(typeof chosen === 'number' ? chosen : undefined)}
      />
    );
  }
  return (
    <TextInput
      {...common}
      value={typeof value === 'string' ? value : ''}
      maxLength={field.maxLength}
      error={error}
      onChange={(event) => onChange(event.currentTarget.value)}
    />
  );
}

const defaultNote = (field: SettingSchema) =>
  field.default === undefined
    ? ''
    : `Default: ${typeof field.default === 'boolean' ? (field.default ? 'on' : 'off') : String(field.default)}.`;
