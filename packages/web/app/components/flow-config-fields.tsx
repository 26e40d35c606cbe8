import { Checkbox, Fieldset, Select, SimpleGrid, Stack, Switch, Text, TextInput } from '@mantine/core';
import { useDestinations, useDivisions, useHubDestination } from '../api/queries.ts';
import type { FlowPackage } from '../api/types.ts';
import { EntityPicker } from './entity-picker.tsx';
import { LIMITS } from './field-limits.ts';
import type { FlowDraft } from './flow-draft.ts';
import { ScheduleInput } from './schedule-input.tsx';
import { SettingsFields } from './settings-fields.tsx';

const HUB = 'hub';

/** One flow's set-up: name, entities, divisions, destination, settings (from the schema), schedule. */
export function FlowConfigFields({
  pkg,
  connectionId,
  workspaceId,
  draft,
  onChange,
  readOnly,
}: {
  pkg: FlowPackage;
  connectionId: string;
  workspaceId: string;
  draft: FlowDraft;
  onChange(draft: FlowDraft): void;
  readOnly?: boolean;
}) {
  const divisions = useDivisions(connectionId);
  const destinations = useDestinations(workspaceId);
  const hub = useHubDestination(workspaceId);
  const linked = divisions.data?.filter((division) => division.linked) ?? [];
  const set = (changes: Partial<FlowDraft>) => onChange({ ...draft, ...changes });

  return (
    <Stack gap="md" data-testid={`flow-config-${pkg.id}`}>
      <TextInput
        label="Flow name"
        name="flowName"
        maxLength={LIMITS.name}
        required
        value={draft.name}
        disabled={readOnly}
        onChange={(event) => set({ name: event.currentTarget.value })}
      />
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Fieldset legend="Entities" disabled={readOnly}>
          <EntityPicker
            entities={pkg.entities}
            value={draft.entities}
            onChange={(entities) => set({ entities })}
          />
          {draft.entities.length === 0 && (
            <Text size="xs" c="red" mt={6}>
              Choose at least one entity.
            </Text>
          )}
        </Fieldset>
        <Fieldset legend="Divisions" disabled={readOnly}>
          <Stack gap="xs">
            <Switch
              label="Every linked division"
              description="Includes divisions you link later"
              checked={draft.divisions === null}
              onChange={(event) =>
                set({
                  divisions: event.currentTarget.checked ? null : linked.map((division) => division.code),
                })
              }
            />
            {draft.divisions !== null && (
              <Checkbox.Group
                value={draft.divisions.map(String)}
                onChange={(codes) => set({ divisions: codes.map(Number) })}
              >
                <Stack gap={6}>
                  {linked.map((division) => (
                    <Checkbox
                      key={division.code}
                      value={String(division.code)}
                      label={`${division.description ?? 'Division'} (${division.code})`}
                    />
                  ))}
                </Stack>
              </Checkbox.Group>
            )}
            {divisions.data && linked.length === 0 && (
              <Text size="xs" c="red">
                The connection has no linked division yet; link one on the connection's page.
              </Text>
            )}
          </Stack>
        </Fieldset>
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, md: 2 }} spacing="md">
        <Fieldset legend="Destination" disabled={readOnly}>
          <Select
            label="Write into"
            name="destination"
            allowDeselect={false}
            value={draft.destinationId ?? HUB}
            data={[
              { value: HUB, label: `${hub.data?.name ?? 'Hub database'} (built in)` },
              ...(destinations.data ?? []).map((destination) => ({
                value: destination.id,
                label: `${destination.name} (${destination.location})`,
              })),
            ]}
            description={
              draft.destinationId === null
                ? `The hub's own database${hub.data ? ` (${hub.data.location})` : ''}: nothing to set up.`
                : 'A Postgres database of your own; manage it under Destinations.'
            }
            onChange={(chosen) => set({ destinationId: chosen === HUB || !chosen ? null : chosen })}
          />
        </Fieldset>
        <Fieldset legend="When" disabled={readOnly}>
          <ScheduleInput
            value={draft.schedule}
            readOnly={readOnly}
            onChange={(schedule) => set({ schedule })}
          />
        </Fieldset>
      </SimpleGrid>
      <Fieldset legend="Settings" disabled={readOnly}>
        <SettingsFields
          schema={pkg.settingsSchema}
          values={draft.settings}
          readOnly={readOnly}
          onChange={(settings) => set({ settings })}
        />
      </Fieldset>
    </Stack>
  );
}
