import { Alert, Button, CopyButton, Group, List, Text } from '@mantine/core';

/**
 * A new set of recovery codes, on screen this once: the hub keeps only their digests. Each signs
 * in once instead of an authenticator code, so losing the phone does not lock the account.
 */
export function RecoveryCodesShown({ codes, onDone }: { codes: string[]; onDone(): void }) {
  return (
    <Alert color="yellow" title="Save your recovery codes now" data-testid="recovery-codes">
      <Text size="sm" mb="xs">
        Each code signs you in once instead of a code from the authenticator app, for when the phone is lost.
        Keep them in a password manager or on paper: they are not shown again.
      </Text>
      <List size="sm" ff="monospace" spacing={2} mb="xs">
        {codes.map((code) => (
          <List.Item key={code} data-testid="recovery-code">
            {code}
          </List.Item>
        ))}
      </List>
      <Group>
        <CopyButton value={codes.join('\n')}>
          {({ copied, copy }) => (
            <Button variant="default" onClick={copy}>
              {copied ? 'Copied' : 'Copy the codes'}
            </Button>
          )}
        </CopyButton>
        <Button variant="light" onClick={onDone}>
          I have saved them
        </Button>
      </Group>
    </Alert>
  );
}
