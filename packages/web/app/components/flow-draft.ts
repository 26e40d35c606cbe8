import type { Flow, FlowChanges, FlowPackage } from '../api/types.ts';
import { nextRunOf } from './next-run.ts';
import { type Settings, settingsProblems, settingsWithDefaults } from './settings-values.ts';

export const DEFAULT_SCHEDULE = '*/15 * * * *';

/** What the set-up form edits before a flow exists (or while its settings are changed). */
export interface FlowDraft {
  name: string;
  entities: string[];
  /** null = every linked division, now and later. */
  divisions: number[] | null;
  /** null = the hub's own database. */
  destinationId: string | null;
  settings: Settings;
  schedule: string;
}

/** A new flow of `pkg` with the defaults that fit most users. */
export function draftOf(pkg: FlowPackage): FlowDraft {
  return {
    name: pkg.title,
    entities: pkg.entities.filter((entity) => entity.byDefault).map((entity) => entity.name),
    divisions: null,
    destinationId: null,
    settings: settingsWithDefaults(pkg.settingsSchema),
    schedule: DEFAULT_SCHEDULE,
  };
}

export function draftFromFlow(flow: Flow, pkg: FlowPackage | undefined): FlowDraft {
  return {
    name: flow.name,
    entities: flow.entities,
    divisions: flow.divisions,
    destinationId: flow.destinationId,
    settings: pkg ? settingsWithDefaults(pkg.settingsSchema, flow.settings) : flow.settings,
    schedule: flow.schedule,
  };
}

export function flowInputOf(draft: FlowDraft): FlowChanges {
  return { ...draft, name: draft.name.trim() };
}

/** Why the draft cannot be saved yet, or undefined when it can (the hub checks everything again). */
export function draftProblem(pkg: FlowPackage, draft: FlowDraft): string | undefined {
  if (!draft.name.trim()) return 'Give the flow a name.';
  if (draft.entities.length === 0) return 'Choose at least one entity.';
  if (draft.divisions !== null && draft.divisions.length === 0) return 'Choose at least one division.';
  if (Object.keys(settingsProblems(pkg.settingsSchema, draft.settings)).length > 0)
    return 'A setting does not have the form it needs.';
  if (!nextRunOf(draft.schedule)) return 'The schedule is not a valid five-field cron expression.';
  return undefined;
}
