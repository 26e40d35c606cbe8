import { Alert, Button, Card, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { post } from '../api/client.ts';
import { CopyField } from '../components/copy-field.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { submitWith } from '../components/submit-with.ts';
import { TotpQrCode } from '../components/totp-qr-code.tsx';
import { ME_KEY, useSession } from '../session.tsx';

/** Two-factor sign-in (TOTP) and the password. */
export function SecurityPage() {
  const { me } = useSession();
  return (
    <Stack>
      <Title order={2}>Security</Title>
      <Card withBorder>{me.user.totpEnabled ? <DisableTotp /> : <EnrolTotp />}</Card>
      <Card withBorder>
        <ChangePassword />
      </Card>
    </Stack>
  );
}

function EnrolTotp() {
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const start = useMutation({ mutationFn: () => post<{ secret: string; otpauthUri: string }>('/me/totp') });
  const confirm = useMutation({
    mutationFn: () => post('/me/totp/confirm', { code }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ME_KEY }),
  });
  const submit = submitWith(confirm);
  return (
    <Stack gap="sm">
      <Title order={4}>Two-factor sign-in is off</Title>
      <Text size="sm">
        With two-factor sign-in, signing in also asks for a 6-digit code from an authenticator app.
      </Text>
      {!start.data ? (
        <Group>
          <Button onClick={() => start.mutate()} loading={start.isPending}>
            Set up two-factor sign-in
          </Button>
        </Group>
      ) : (
        <Stack component="form" onSubmit={submit} gap="sm">
          <Text size="sm">
            Scan the QR code with your authenticator app, or add the account with the setup URI or the secret:
          </Text>
          <Group align="flex-start" wrap="wrap">
            <TotpQrCode uri={start.data.otpauthUri} />
            <Stack gap="xs" style={{ flex: 1, minWidth: 0 }}>
              <CopyField value={start.data.otpauthUri} label="otpauth URI" />
              <CopyField value={start.data.secret} label="secret" />
            </Stack>
          </Group>
          <Group align="flex-end">
            <TextInput
              label="Code from the app"
              name="totpCode"
              inputMode="numeric"
              autoComplete="one-time-code"
              required
              value={code}
              onChange={(e) => setCode(e.currentTarget.value)}
            />
            <Button type="submit" loading={confirm.isPending}>
              Turn on
            </Button>
          </Group>
        </Stack>
      )}
      <ErrorAlert error={start.error ?? confirm.error} />
    </Stack>
  );
}

function DisableTotp() {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const [code, setCode] = useState('');
  const disable = useMutation({
    mutationFn: () => post('/me/totp/disable', { password, code }),
    onSuccess: () => queryClient.invalidateQueries({ queryKey: ME_KEY }),
  });
  const submit = submitWith(disable);
  return (
    <Stack component="form" onSubmit={submit} gap="sm">
      <Title order={4}>Two-factor sign-in is on</Title>
      <Text size="sm">To turn it off, confirm with your password and a current code.</Text>
      <Group align="flex-end">
        <PasswordInput
          label="Password"
          required
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
        />
        <TextInput
          label="Code"
          w={140}
          required
          value={code}
          onChange={(e) => setCode(e.currentTarget.value)}
        />
        <Button type="submit" color="red" variant="light" loading={disable.isPending}>
          Turn off
        </Button>
      </Group>
      <ErrorAlert error={disable.error} />
    </Stack>
  );
}

function ChangePassword() {
  const [currentPassword, setCurrent] = useState('');
  const [newPassword, setNew] = useState('');
  const change = useMutation({
    mutationFn: () => post('/me/password', { currentPassword, newPassword }),
    onSuccess: () => {
      setCurrent('');
      setNew('');
    },
  });
  const submit = submitWith(change);
  return (
    <Stack component="form" onSubmit={submit} gap="sm">
      <Title order={4}>Password</Title>
      <Group align="flex-end">
        <PasswordInput
          label="Current password"
          w={240}
          required
          value={currentPassword}
          onChange={(e) => setCurrent(e.currentTarget.value)}
        />
        <PasswordInput
          label="New password"
          w={240}
          required
          value={newPassword}
          onChange={(e) => setNew(e.currentTarget.value)}
        />
        <Button type="submit" loading={change.isPending}>
          Change password
        </Button>
      </Group>
      {change.isSuccess && (
        <Alert color="green">Password changed; your other sessions were signed out.</Alert>
      )}
      <ErrorAlert error={change.error} />
    </Stack>
  );
}
