import { describe, expect, it } from 'vitest';
import type { FlowPackage } from '../app/api/types.ts';
import { draftOf, draftProblem } from '../app/components/flow-draft.ts';
import { nextRunOf } from '../app/components/next-run.ts';
import { settingLabel, settingsProblems, settingsWithDefaults } from '../app/components/settings-values.ts';

// The shape `GET /api/v1/packages` serves for "Replicate to database" (zod 4's JSON Schema, input side).
const replicate: FlowPackage = {
  id: 'replicate',
  title: 'Replicate to database',
  description: 'Copies Exact data into Postgres tables.',
  entities: [
    {
      name: 'accounts',
      title: 'Accounts',
      byDefault: true,
      webhookTopic: 'Accounts',
      scope: 'Crm accounts',
      endpoint: 'sync/CRM/Accounts',
    },
    {
      name: 'contacts',
      title: 'Contacts',
      byDefault: true,
      webhookTopic: 'Contacts',
      scope: 'Crm accounts',
      endpoint: 'sync/CRM/Contacts',
    },
    {
      name: 'documents',
      title: 'Documents',
      byDefault: false,
      webhookTopic: null,
      scope: 'Organization documents',
      endpoint: 'sync/Documents/Documents',
    },
  ],
  settingsSchema: {
    type: 'object',
    properties: {
      schema: { type: 'string', pattern: '^[a-z_][a-z0-9_]{0,62}$', default: 'exact' },
      deleteMode: { type: 'string', enum: ['soft', 'hard'], default: 'soft' },
      webhooks: { type: 'boolean', default: true },
    },
  },
};

describe('a new flow from a package', () => {
  it('starts from the defaults: the default entities, every linked division, the hub database, every 15 minutes', () => {
    expect(draftOf(replicate)).toEqual({
      name: 'Replicate to database',
      entities: ['accounts', 'contacts'],
      divisions: null,
      destinationId: null,
      settings: { schema: 'exact', deleteMode: 'soft', webhooks: true },
      schedule: '*/15 * * * *',
    });
    expect(draftProblem(replicate, draftOf(replicate))).toBeUndefined();
  });

  it('keeps what a flow already has over the defaults, and fills what it lacks', () => {
    expect(settingsWithDefaults(replicate.settingsSchema, { deleteMode: 'hard', webhooks: false })).toEqual({
      schema: 'exact',
      deleteMode: 'hard',
      webhooks: false,
    });
  });

  it('says what stops it from being saved', () => {
    const draft = draftOf(replicate);
    expect(draftProblem(replicate, { ...draft, name: '  ' })).toMatch(/name/);
    expect(draftProblem(replicate, { ...draft, entities: [] })).toMatch(/entity/);
    expect(draftProblem(replicate, { ...draft, divisions: [] })).toMatch(/division/);
    expect(draftProblem(replicate, { ...draft, schedule: 'every day' })).toMatch(/cron/);
    const badSchema = { ...draft, settings: { ...draft.settings, schema: 'Sales-Data' } };
    expect(draftProblem(replicate, badSchema)).toMatch(/setting/);
    expect(settingsProblems(replicate.settingsSchema, badSchema.settings)).toEqual({
      schema: 'Must match ^[a-z_][a-z0-9_]{0,62}$',
    });
  });

  it('labels settings for people', () => {
    expect(settingLabel('deleteMode')).toBe('Delete mode');
    expect(settingLabel('default_country')).toBe('Default country');
  });
});

describe('the next run of a schedule', () => {
  const at = new Date('2026-12-01T02:41:00Z');

  it('follows the five-field cron in UTC', () => {
    expect(nextRunOf('*/15 * * * *', at)?.toISOString()).toBe('2026-12-01T02:45:00.000Z');
    expect(nextRunOf('0 * * * *', at)?.toISOString()).toBe('2026-12-01T03:00:00.000Z');
    expect(nextRunOf('0 2 * * *', at)?.toISOString()).toBe('2026-12-02T02:00:00.000Z');
  });

  it('has none for what the hub would refuse (not five fields, or not cron)', () => {
    expect(nextRunOf('0 */5 * * * *', at)).toBeUndefined();
    expect(nextRunOf('every day', at)).toBeUndefined();
    expect(nextRunOf('61 * * * *', at)).toBeUndefined();
  });
});
