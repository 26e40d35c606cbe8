import { Button, Card, Group, Radio, Stack, Stepper, Text, Title } from '@mantine/core';
import { useMediaQuery } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { Link, useSearchParams } from 'react-router';
import { authorizeUrl, useApps, useConnection, useDivisions, usePackages } from '../api/queries.ts';
import { AppForm } from '../components/app-form.tsx';
import { ConnectionForm } from '../components/connection-form.tsx';
import { DivisionsPanel } from '../components/divisions-panel.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { EnableStep, PackagesStep, SettingsStep, useFlowChoices } from '../components/flow-setup-steps.tsx';
import { Loading } from '../components/loading.tsx';
import { RedirectUriNotice, redirectUriOf } from '../components/redirect-uri.tsx';
import { StatusBadge } from '../components/status-badge.tsx';
import { TestPanel } from '../components/test-panel.tsx';
import { useSession } from '../session.tsx';

const STEP = {
  app: 0,
  connection: 1,
  authorize: 2,
  divisions: 3,
  test: 4,
  packages: 5,
  settings: 6,
  enable: 7,
} as const;
const NEW_APP = 'new';
const STEP_TEXT = [
  { label: 'Exact app', description: 'Client ID and secret' },
  { label: 'Connection', description: 'Name and app' },
  { label: 'Authorize', description: 'Sign in at Exact' },
  { label: 'Divisions', description: 'Pick administrations' },
  { label: 'Test', description: 'Check it works' },
  { label: 'Packages', description: 'What to move' },
  { label: 'Settings', description: 'Per flow' },
  { label: 'Enable', description: 'Now or manually' },
] as const;

/**
 * The first connection and its flows, step by step: app → connection → authorize at Exact →
 * divisions → test → packages → settings → enable (ApiCenter's steps 1–5). The connection id lives in the URL so the wizard resumes where it was after Exact's consent screen.
 */
export function SetupWizardPage() {
  const { workspace, canAdmin } = useSession();
  const [params, setParams] = useSearchParams();
  const connectionId = params.get('connection') ?? undefined;
  const apps = useApps(workspace.id);
  const connection = useConnection(connectionId);
  const divisions = useDivisions(connection.data?.authorized ? connectionId : undefined);
  const [step, setStep] = useState<number>(connectionId ? -1 : STEP.app);
  const [appChoice, setAppChoice] = useState<string | null>(null);
  const packages = usePackages();
  const choices = useFlowChoices(packages.data);
  // Eight steps fit in one row only as far as the screen allows: descriptions on wide screens,
  // labels from 1248 px, and below that a line of text instead of the row of icons.
  const wide = useMediaQuery('(min-width: 100em)') ?? false;
  const labelled = useMediaQuery('(min-width: 78em)') ?? true;
  const label = (index: number) => {
    const text = STEP_TEXT[index]!;
    return wide ? text : { label: text.label };
  };

  // Back from Exact (or reloaded): continue at the first step that is not done yet.
  // A tested connection's page sends its admin here with `step=packages` to add flows.
  const resumeAt = params.get('step') === 'packages' ? STEP.packages : STEP.divisions;
  useEffect(() => {
    if (step !== -1 || !connection.data) return;
    setStep(connection.data.authorized ? resumeAt : STEP.authorize);
  }, [step, connection.data, resumeAt]);

  if (!canAdmin) {
    return <Text>Only workspace admins and owners can set up connections.</Text>;
  }
  if (apps.isPending || (connectionId && connection.isPending)) return <Loading />;
  const chosenApp = appChoice ?? apps.data?.[0]?.id ?? NEW_APP;
  const linkedCount = divisions.data?.filter((d) => d.linked).length ?? 0;

  return (
    <Stack>
      <div>
        <Title order={2}>Set up a connection</Title>
        <Text c="dimmed" size="sm">
          From an Exact app to a tested connection and the flows that move its data.
        </Text>
      </div>
      <ErrorAlert error={apps.error ?? connection.error ?? packages.error} />
      {!labelled && (
        <Text size="sm" fw={500} data-testid="wizard-step">
          Step {Math.max(step, 0) + 1} of {STEP_TEXT.length}: {STEP_TEXT[Math.max(step, 0)]?.label}
        </Text>
      )}
      <Stepper
        styles={labelled ? undefined : { steps: { display: 'none' } }}
        active={Math.max(step, 0)}
        onStepClick={setStep}
        allowNextStepsSelect={false}
        size={wide ? 'sm' : 'xs'}
      >
        <Stepper.Step {...label(0)}>
          <Card withBorder mt="md">
            <Stack>
              <RedirectUriNotice uri={redirectUriOf(apps.data)} />
              {apps.data && apps.data.length > 0 && (
                <Radio.Group label="Which Exact app?" value={chosenApp} onChange={setAppChoice}>
                  <Stack gap={6} mt={6}>
                    {apps.data.map((app) => (
                      <Radio key={app.id} value={app.id} label={`${app.title} (${app.clientId})`} />
                    ))}
                    <Radio value={NEW_APP} label="Register another app" />
                  </Stack>
                </Radio.Group>
              )}
              {chosenApp === NEW_APP ? (
                <AppForm
                  workspaceId={workspace.id}
                  submitLabel="Create app and continue"
                  redirectUriShown
                  onSaved={(app) => {
                    setAppChoice(app.id);
                    setStep(STEP.connection);
                  }}
                />
              ) : (
                <Group justify="flex-end">
                  <Button onClick={() => setStep(STEP.connection)}>Use this app</Button>
                </Group>
              )}
            </Stack>
          </Card>
        </Stepper.Step>
        <Stepper.Step {...label(1)}>
          <Card withBorder mt="md">
            {apps.data && (
              <ConnectionForm
                workspaceId={workspace.id}
                apps={apps.data}
                defaultAppId={chosenApp === NEW_APP ? undefined : chosenApp}
                onCreated={(c) => {
                  setParams({ connection: c.id });
                  setStep(STEP.authorize);
                }}
              />
            )}
          </Card>
        </Stepper.Step>
        <Stepper.Step {...label(2)}>
          <Card withBorder mt="md">
            {connection.data && (
              <Stack>
                <Group gap="xs">
                  <Text fw={500}>{connection.data.name}</Text>
                  <StatusBadge status={connection.data.status} />
                </Group>
                <Text size="sm">
                  <b>Authorize</b> takes you to Exact Online. Sign in, tick the administrations (divisions)
                  Koppel may use and allow access. Exact sends you back to the hub, which brings you here.
                </Text>
                <Group>
                  <Button
                    component="a"
                    href={authorizeUrl(connection.data.id, `/setup?connection=${connection.data.id}`)}
                  >
                    Authorize
                  </Button>
                  {connection.data.authorized && (
                    <Button variant="default" onClick={() => setStep(STEP.divisions)}>
                      Already authorized — continue
                    </Button>
                  )}
                </Group>
              </Stack>
            )}
          </Card>
        </Stepper.Step>
        <Stepper.Step {...label(3)}>
          <Card withBorder mt="md">
            {connection.data && (
              <Stack>
                <Text size="sm" data-testid="exact-user">
                  Authorized by Exact user <b>{connection.data.exactUser?.name ?? 'unknown'}</b>. Link the
                  divisions Koppel should use.
                </Text>
                <DivisionsPanel
                  connectionId={connection.data.id}
                  canAdmin
                  authorized={connection.data.authorized}
                  returnTo={`/setup?connection=${connection.data.id}`}
                />
                <Group justify="flex-end">
                  <Button disabled={linkedCount === 0} onClick={() => setStep(STEP.test)}>
                    Continue to the test
                  </Button>
                </Group>
              </Stack>
            )}
          </Card>
        </Stepper.Step>
        <Stepper.Step {...label(4)}>
          <Card withBorder mt="md">
            {connection.data && (
              <Stack>
                <TestPanel connection={connection.data} canAdmin />
                <Group justify="flex-end">
                  <Button variant="default" component={Link} to={`/connections/${connection.data.id}`}>
                    Open the connection
                  </Button>
                  <Button disabled={!connection.data.lastTest?.ok} onClick={() => setStep(STEP.packages)}>
                    Continue to the packages
                  </Button>
                </Group>
              </Stack>
            )}
          </Card>
        </Stepper.Step>
        <Stepper.Step {...label(5)}>
          <Card withBorder mt="md">
            {packages.data && (
              <PackagesStep
                packages={packages.data}
                choices={choices}
                onNext={() => setStep(STEP.settings)}
              />
            )}
          </Card>
        </Stepper.Step>
        <Stepper.Step {...label(6)}>
          <Card withBorder mt="md">
            {connection.data && (
              <SettingsStep
                choices={choices}
                connectionId={connection.data.id}
                workspaceId={workspace.id}
                onNext={() => setStep(STEP.enable)}
              />
            )}
          </Card>
        </Stepper.Step>
        <Stepper.Step {...label(7)}>
          <Card withBorder mt="md">
            {connection.data && (
              <EnableStep choices={choices} connectionId={connection.data.id} workspaceId={workspace.id} />
            )}
          </Card>
        </Stepper.Step>
      </Stepper>
    </Stack>
  );
}
