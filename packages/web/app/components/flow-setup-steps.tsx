import { Button, Divider, Group, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { useDestinations } from '../api/queries.ts';
import type { Flow, FlowPackage } from '../api/types.ts';
import { type NewFlow, useCreateFlows } from './create-flows.ts';
import { ErrorAlert } from './error-alert.tsx';
import { FlowConfigFields } from './flow-config-fields.tsx';
import { draftOf, draftProblem, type FlowDraft } from './flow-draft.ts';
import { nextRunOf } from './next-run.ts';
import { notifyDone } from './notify.ts';
import { PackageCards } from './package-cards.tsx';
import { scheduleLabel } from './schedule-input.tsx';

/** The chosen packages and each one's draft flow, shared by the set-up's last three steps. */
export function useFlowChoices(packages: FlowPackage[] | undefined) {
  const [chosen, setChosen] = useState<string[]>([]);
  const [drafts, setDrafts] = useState<Record<string, FlowDraft>>({});
  const flows: NewFlow[] = (packages ?? [])
    .filter((pkg) => chosen.includes(pkg.id))
    .map((pkg) => ({ pkg, draft: drafts[pkg.id] ?? draftOf(pkg) }));
  const setDraft = (pkg: FlowPackage, draft: FlowDraft) => setDrafts((all) => ({ ...all, [pkg.id]: draft }));
  const problem = flows
    .map(({ pkg, draft }) => {
      const why = draftProblem(pkg, draft);
      return why && `${draft.name || pkg.title}: ${why}`;
    })
    .find(Boolean);
  return { chosen, setChosen, flows, setDraft, problem };
}
export type FlowChoices = ReturnType<typeof useFlowChoices>;

/** Step "Packages": cards with what each package does (ApiCenter's step 3). */
export function PackagesStep({
  packages,
  choices,
  onNext,
}: {
  packages: FlowPackage[];
  choices: FlowChoices;
  onNext(): void;
}) {
  return (
    <Stack>
      <Text size="sm">
        A package is a ready-made flow that moves data between Exact Online and the other side. Choose the
        ones you need; each becomes a flow you can change, pause or run at any time.
      </Text>
      <PackageCards packages={packages} chosen={choices.chosen} onChange={choices.setChosen} />
      <Group justify="flex-end">
        <Button disabled={choices.chosen.length === 0} onClick={onNext}>
          Continue to the settings
        </Button>
      </Group>
    </Stack>
  );
}

/** Step "Settings": every chosen flow's form, defaults filled in (ApiCenter's step 4). */
export function SettingsStep({
  choices,
  connectionId,
  workspaceId,
  onNext,
}: {
  choices: FlowChoices;
  connectionId: string;
  workspaceId: string;
  onNext(): void;
}) {
  return (
    <Stack>
      <Text size="sm">
        The defaults fit most businesses; change only what you need. Settings can be changed later on the
        flow's page.
      </Text>
      {choices.flows.map(({ pkg, draft }, index) => (
        <Stack key={pkg.id} gap="sm">
          {index > 0 && <Divider />}
          <Title order={4}>{pkg.title}</Title>
          <FlowConfigFields
            pkg={pkg}
            connectionId={connectionId}
            workspaceId={workspaceId}
            draft={draft}
            onChange={(next) => choices.setDraft(pkg, next)}
          />
        </Stack>
      ))}
      <Group justify="flex-end">
        {choices.problem && (
          <Text size="sm" c="red">
            {choices.problem}
          </Text>
        )}
        <Button disabled={Boolean(choices.problem)} onClick={onNext}>
          Continue
        </Button>
      </Group>
    </Stack>
  );
}

/** Step "Enable": a summary, then Enable now or Start manually (ApiCenter's step 5). */
export function EnableStep({
  choices,
  connectionId,
  workspaceId,
}: {
  choices: FlowChoices;
  connectionId: string;
  workspaceId: string;
}) {
  const navigate = useNavigate();
  const destinations = useDestinations(workspaceId);
  const create = useCreateFlows(connectionId, workspaceId);
  const finish = (enable: boolean) =>
    create.mutate(
      { flows: choices.flows, enable },
      {
        onSuccess: (flows: Flow[]) => {
          notifyDone(enable ? 'Flows enabled; the first run has started' : 'Flows created, paused');
          const only = flows.length === 1 ? flows[0] : undefined;
          navigate(enable && only ? `/flows/${only.id}` : '/flows');
        },
      },
    );
  const destinationName = (id: string | null) =>
    id === null ? 'Hub database' : (destinations.data?.find((d) => d.id === id)?.name ?? '…');
  return (
    <Stack>
      <Table.ScrollContainer minWidth={560}>
        <Table data-testid="flow-summary">
          <Table.Thead>
            <Table.Tr>
              <Table.Th>Flow</Table.Th>
              <Table.Th>Entities</Table.Th>
              <Table.Th>Divisions</Table.Th>
              <Table.Th>Destination</Table.Th>
              <Table.Th>Schedule</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {choices.flows.map(({ pkg, draft }) => (
              <Table.Tr key={pkg.id}>
                <Table.Td>{draft.name}</Table.Td>
                <Table.Td>{draft.entities.length}</Table.Td>
                <Table.Td>{draft.divisions === null ? 'Every linked' : draft.divisions.join(', ')}</Table.Td>
                <Table.Td>{destinationName(draft.destinationId)}</Table.Td>
                <Table.Td>
                  {scheduleLabel(draft.schedule)}
                  <Text size="xs" c="dimmed">
                    next {nextRunOf(draft.schedule)?.toLocaleString() ?? '—'}
                  </Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
      <Text size="sm">
        <b>Enable now</b> switches the flows on and starts their first run at once. <b>Start manually</b>{' '}
        creates them paused: adjust them on the Flows page and run or enable them when you are ready.
      </Text>
      <ErrorAlert error={create.error} title="The flows could not be created" />
      <Group justify="flex-end">
        <Button variant="default" loading={create.isPending} onClick={() => finish(false)}>
          Start manually
        </Button>
        <Button loading={create.isPending} onClick={() => finish(true)}>
          Enable now
        </Button>
      </Group>
    </Stack>
  );
}
