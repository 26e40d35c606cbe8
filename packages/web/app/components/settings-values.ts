import type { SettingsSchema } from '../api/types.ts';

export type Settings = Record<string, unknown>;

/** The package's defaults overlaid with what the flow already has. */
export function settingsWithDefaults(schema: SettingsSchema, current: Settings = {}): Settings {
  const values: Settings = {};
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    values[name] = current[name] ?? field.default;
  }
  return values;
}

/** Pattern mismatches by setting name; the hub checks again, this only saves a round trip. */
export function settingsProblems(schema: SettingsSchema, values: Settings): Record<string, string> {
  const problems: Record<string, string> = {};
  for (const [name, field] of Object.entries(schema.properties ?? {})) {
    const value = values[name];
    if (field.pattern && typeof value === 'string' && !new RegExp(field.pattern).test(value)) {
      problems[name] = `Must match ${field.pattern}`;
    }
  }
  return problems;
}

/** `deleteMode` → "Delete mode". */
export const settingLabel = (name: string) => {
  const words = name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
  return words.charAt(0).toUpperCase() + words.slice(1);
};
