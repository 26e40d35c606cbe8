import { Anchor, Card, List, Stack, Text } from '@mantine/core';
import type { Region } from '../api/types.ts';
import { CopyField } from './copy-field.tsx';

/**
 * Exact's App Center per region. The host is Exact's (exact-online-api.md §1: apps are
 * registered at apps.exactonline.com); the country/language path is the best-known form and
 * lands on the region's own App Center, where "Manage apps" lists the registered apps.
 */
export const APP_CENTER_URLS: Record<Region, string> = {
  nl: 'https://apps.exactonline.com/nl/nl-NL/V2/Manage',
  be: 'https://apps.exactonline.com/be/nl-BE/V2/Manage',
  de: 'https://apps.exactonline.com/de/de-DE/V2/Manage',
  uk: 'https://apps.exactonline.com/gb/en-GB/V2/Manage',
  us: 'https://apps.exactonline.com/us/en-US/V2/Manage',
  es: 'https://apps.exactonline.com/es/es-ES/V2/Manage',
  fr: 'https://apps.exactonline.com/fr/fr-FR/V2/Manage',
};

/** Where the app form's values come from, step by step, for the region chosen in the form. */
export function AppCenterHelp({
  appCenterUrl,
  redirectUri,
}: {
  appCenterUrl: string;
  /** Undefined when the page already shows the redirect URI above the form. */
  redirectUri: string | undefined;
}) {
  return (
    <Card withBorder bg="var(--mantine-color-blue-light)" data-testid="app-center-help">
      <Stack gap={6}>
        <Text size="sm" fw={600}>
          Where to find these values
        </Text>
        <List size="sm" type="ordered" spacing={4}>
          <List.Item>
            Open{' '}
            <Anchor href={appCenterUrl} target="_blank" rel="noreferrer" data-testid="app-center-link">
              Exact's App Center
            </Anchor>
            , sign in with your Exact Online account and choose <b>Manage apps</b>.
          </List.Item>
          <List.Item>
            Register a new app (or open yours). As <b>Redirect URI</b> paste{' '}
            {redirectUri ? (
              <CopyField value={redirectUri} label="redirect URI" />
            ) : (
              'the redirect URI shown above.'
            )}
          </List.Item>
          <List.Item>
            The app's page then shows the <b>Client ID</b>, the <b>Client secret</b> and the{' '}
            <b>Webhook secret</b>: copy them into the fields below.
          </List.Item>
        </List>
      </Stack>
    </Card>
  );
}
