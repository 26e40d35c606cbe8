import { NativeSelect, PasswordInput, Stack, Text, TextInput } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { patch, post } from '../api/client.ts';
import { keys, useApps } from '../api/queries.ts';
import { type ExactApp, REGIONS, type Region } from '../api/types.ts';
import { APP_CENTER_URLS, AppCenterHelp } from './app-center-help.tsx';
import { fieldError } from './field-errors.ts';
import { LIMITS } from './field-limits.ts';
import { redirectUriOf } from './redirect-uri.tsx';
import { SubmitRow } from './submit-row.tsx';
import { submitWith } from './submit-with.ts';

const REGION_HOSTS: Record<Region, string> = {
  nl: 'Netherlands · start.exactonline.nl',
  be: 'Belgium · start.exactonline.be',
  de: 'Germany · start.exactonline.de',
  uk: 'United Kingdom · start.exactonline.co.uk',
  us: 'United States · start.exactonline.com',
  es: 'Spain · start.exactonline.es',
  fr: 'France · start.exactonline.fr',
};
const CUSTOM = 'custom';
const REGION_OPTIONS = [
  ...REGIONS.map((region) => ({ value: region, label: `${region.toUpperCase()} — ${REGION_HOSTS[region]}` })),
  { value: CUSTOM, label: 'Custom base URL (e.g. exact-sim)' },
];

/** Create or edit an Exact app. Secrets are write-only: empty on edit keeps the stored one. */
export function AppForm({
  workspaceId,
  existing,
  onSaved,
  submitLabel,
  redirectUriShown,
}: {
  /** The page shows the redirect URI already (the guided set-up). */
  redirectUriShown?: boolean;
  workspaceId: string;
  existing?: ExactApp;
  onSaved(app: ExactApp): void;
  submitLabel?: string;
}) {
  const queryClient = useQueryClient();
  const [title, setTitle] = useState(existing?.title ?? '');
  const [clientId, setClientId] = useState(existing?.clientId ?? '');
  const [clientSecret, setClientSecret] = useState('');
  const [webhookSecret, setWebhookSecret] = useState('');
  const [region, setRegion] = useState<string>(existing?.baseUrl ? CUSTOM : (existing?.region ?? 'nl'));
  const [baseUrl, setBaseUrl] = useState(existing?.baseUrl ?? '');

  const save = useMutation({
    mutationFn: () => {
      const custom = region === CUSTOM;
      const location = {
        region: custom ? (existing?.region ?? 'nl') : region,
        baseUrl: custom ? baseUrl.trim() : null,
      };
      if (!existing) {
        return post<ExactApp>(`/workspaces/${workspaceId}/apps`, {
          title,
          clientId,
          clientSecret,
          webhookSecret: webhookSecret.trim() || null,
          ...location,
        });
      }
      return patch<ExactApp>(`/apps/${existing.id}`, {
        title,
        clientId,
        ...(clientSecret.trim() ? { clientSecret } : {}),
        ...(webhookSecret.trim() ? { webhookSecret } : {}),
        ...location,
      });
    },
    onSuccess: async (app) => {
      await queryClient.invalidateQueries({ queryKey: keys.apps(workspaceId) });
      onSaved(app);
    },
  });

  const submit = submitWith(save);
  const apps = useApps(workspaceId);
  // The simulator `npm start` runs is registered as an app with its base URL: show that address.
  const simulatorUrl = apps.data?.find((app) => app.baseUrl)?.baseUrl ?? undefined;
  const customBase = region === CUSTOM ? baseUrl.trim().replace(/\/+$/, '') : '';
  const appCenterUrl =
    region === CUSTOM ? `${customBase || simulatorUrl || ''}/appcenter` : APP_CENTER_URLS[region as Region];

  return (
    <Stack component="form" onSubmit={submit} gap="sm">
      <AppCenterHelp
        appCenterUrl={appCenterUrl}
        redirectUri={redirectUriShown ? undefined : redirectUriOf(apps.data)}
      />
      <TextInput
        label="Display title"
        name="title"
        maxLength={LIMITS.name}
        error={fieldError(save.error, 'title')}
        description="How this app is called in Koppel"
        required
        value={title}
        onChange={(e) => setTitle(e.currentTarget.value)}
      />
      <TextInput
        label="Client ID"
        name="clientId"
        maxLength={LIMITS.clientId}
        error={fieldError(save.error, 'clientId')}
        description="From the app's page in Exact's App Center"
        required
        value={clientId}
        onChange={(e) => setClientId(e.currentTarget.value)}
      />
      <PasswordInput
        label="Client secret"
        name="clientSecret"
        maxLength={LIMITS.secret}
        error={fieldError(save.error, 'clientSecret')}
        required={!existing}
        description={existing ? 'Leave empty to keep the stored secret' : undefined}
        value={clientSecret}
        onChange={(e) => setClientSecret(e.currentTarget.value)}
      />
      <PasswordInput
        label="Webhook secret"
        name="webhookSecret"
        maxLength={LIMITS.secret}
        error={fieldError(save.error, 'webhookSecret')}
        description={
          existing?.hasWebhookSecret
            ? 'Stored; leave empty to keep it'
            : 'Optional; needed for Exact webhooks'
        }
        value={webhookSecret}
        onChange={(e) => setWebhookSecret(e.currentTarget.value)}
      />
      <NativeSelect
        label="Exact region"
        name="region"
        description="The Exact Online country the administrations live in"
        data={REGION_OPTIONS}
        value={region}
        onChange={(e) => setRegion(e.currentTarget.value)}
      />
      {region === CUSTOM && (
        <TextInput
          label="Base URL"
          name="baseUrl"
          maxLength={LIMITS.baseUrl}
          error={fieldError(save.error, 'baseUrl')}
          description={
            simulatorUrl
              ? `An Exact-compatible host instead of the region's; the simulator this hub runs answers on ${simulatorUrl}`
              : "An Exact-compatible host instead of the region's, e.g. exact-sim's address as it prints at start"
          }
          required
          value={baseUrl}
          onChange={(e) => setBaseUrl(e.currentTarget.value)}
        />
      )}
      <SubmitRow
        error={save.error}
        fields={['title', 'clientId', 'clientSecret', 'webhookSecret', 'baseUrl']}
        pending={save.isPending}
      >
        {submitLabel ?? (existing ? 'Save app' : 'Create app')}
      </SubmitRow>
      {!existing && (
        <Text size="xs" c="dimmed">
          Secrets are encrypted at rest and never shown again.
        </Text>
      )}
    </Stack>
  );
}
