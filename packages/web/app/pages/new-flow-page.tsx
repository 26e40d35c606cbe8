import { Anchor, Card, Select, Stack, Stepper, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { useConnections, usePackages } from '../api/queries.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { EnableStep, PackagesStep, SettingsStep, useFlowChoices } from '../components/flow-setup-steps.tsx';
import { Loading } from '../components/loading.tsx';
import { useSession } from '../session.tsx';

/** New flows on an existing connection: the set-up's package, settings and enable steps on their own. */
export function NewFlowPage() {
  const { workspace, canAdmin } = useSession();
  const [params, setParams] = useSearchParams();
  const connections = useConnections(workspace.id);
  const packages = usePackages();
  const choices = useFlowChoices(packages.data);
  const [step, setStep] = useState(0);
  if (!canAdmin) return <Text>Only workspace admins and owners can create flows.</Text>;
  if (connections.isPending || packages.isPending) return <Loading />;
  const usable = connections.data?.filter((c) => c.authorized) ?? [];
  const connectionId = params.get('connection') ?? usable[0]?.id;
  return (
    <Stack>
      <Anchor component={Link} to="/flows" size="sm">
        ← Flows
      </Anchor>
      <Title order={2}>New flow</Title>
      <ErrorAlert error={connections.error ?? packages.error} />
      {usable.length === 0 ? (
        <Text>
          A flow needs an authorized connection.{' '}
          <Anchor component={Link} to="/setup">
            Set one up first
          </Anchor>
          .
        </Text>
      ) : (
        <>
          <Select
            label="Connection"
            name="connection"
            maw={420}
            allowDeselect={false}
            data={usable.map((c) => ({ value: c.id, label: c.name }))}
            value={connectionId ?? null}
            onChange={(id) => id && setParams({ connection: id })}
          />
          {connectionId && packages.data && (
            <Stepper active={step} onStepClick={setStep} allowNextStepsSelect={false} size="sm">
              <Stepper.Step label="Packages" description="What to move">
                <Card withBorder mt="md">
                  <PackagesStep packages={packages.data} choices={choices} onNext={() => setStep(1)} />
                </Card>
              </Stepper.Step>
              <Stepper.Step label="Settings" description="Per flow">
                <Card withBorder mt="md">
                  <SettingsStep
                    choices={choices}
                    connectionId={connectionId}
                    workspaceId={workspace.id}
                    onNext={() => setStep(2)}
                  />
                </Card>
              </Stepper.Step>
              <Stepper.Step label="Enable" description="Now or manually">
                <Card withBorder mt="md">
                  <EnableStep choices={choices} connectionId={connectionId} workspaceId={workspace.id} />
                </Card>
              </Stepper.Step>
            </Stepper>
          )}
        </>
      )}
    </Stack>
  );
}
