import { Alert, Stack, Text } from '@mantine/core';
import type { ExactApp } from '../api/types.ts';
import { CopyField } from './copy-field.tsx';

/**
 * The hub reports its redirect URI on every app; before the first app exists the dashboard's own
 * origin is the best guess (the hub serves the dashboard).
 */
export function redirectUriOf(apps: ExactApp[] | undefined): string {
  return apps?.[0]?.redirectUri ?? `${window.location.origin}/oauth/exact/callback`;
}

export function RedirectUriNotice({ uri }: { uri: string }) {
  return (
    <Alert color="blue" title="Redirect URI" data-testid="redirect-uri">
      <Stack gap={6}>
        <Text size="sm">
          Paste this redirect URI into your app's registration in Exact's App Center (Register app → Redirect
          URI). Exact only sends the authorization back to this exact address.
        </Text>
        <CopyField value={uri} label="redirect URI" />
      </Stack>
    </Alert>
  );
}
