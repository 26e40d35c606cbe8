import { Alert, Button, Card, Group, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { get, post } from '../api/client.ts';
import type { NewRecoveryCodes, RecoveryCodesLeft, TotpEnabled } from '../api/types.ts';
import { CopyField } from '../components/copy-field.tsx';
import { ErrorAlert } from '../components/error-alert.tsx';
import { LIMITS } from '../components/field-limits.ts';
import { RecoveryCodesShown } from '../components/recovery-codes-shown.tsx';
import { submitWith } from '../components/submit-with.ts';
import { TotpQrCode } from '../components/totp-qr-code.tsx';
import { ME_KEY, useSession } from '../session.tsx';

const RECOVERY_LEFT_KEY = ['recovery-codes-left'] as const;

/** Two-factor sign-in (TOTP, with one-time recovery codes) and the password. */
export function SecurityPage() {
  const { me } = useSession();
  // Codes are on screen once, from the moment the hub returns them until the user says they are saved.
  const [shownCodes, setShownCodes] = useState<string[]>();
  return (
    <Stack>
      <Title order={2}>Security</Title>
      <Card withBorder>
        <Stack>
          {shownCodes && <RecoveryCodesShown codes={shownCodes} onDone={() => setShownCodes(undefined)} />}
          {me.user.totpEnabled ? (
            <>
              <RecoveryCodes onNewCodes={setShownCodes} />
              <DisableTotp />
            </>
          ) : (
            <EnrolTotp onNewCodes={setShownCodes} />
          )}
        </Stack>
      </Card>
      <Card withBorder>
        <ChangePassword />
      </Card>
    </Stack>
  );
}

function EnrolTotp({ onNewCodes }: { onNewCodes(codes: string[]): void }) {
  const queryClient = useQueryClient();
  const [code, setCode] = useState('');
  const start = useMutation({ mutationFn: () => post<{ secret: string; otpauthUri: string }>('/me/totp') });
  const confirm = useMutation({
    mutationFn: () => post<TotpEnabled>('/me/totp/confirm', { code }),
    onSuccess: async (enabled) => {
      onNewCodes(enabled.recoveryCodes);
      await queryClient.invalidateQueries({ queryKey: ME_KEY });
    },
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
              maxLength={LIMITS.secondFactorCode}
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

/** How many recovery codes are left, and a new set (which ends the old one) for the password. */
function RecoveryCodes({ onNewCodes }: { onNewCodes(codes: string[]): void }) {
  const queryClient = useQueryClient();
  const [password, setPassword] = useState('');
  const left = useQuery({
    queryKey: RECOVERY_LEFT_KEY,
    queryFn: () => get<RecoveryCodesLeft>('/me/totp/recovery-codes'),
  });
  const regenerate = useMutation({
    mutationFn: () => post<NewRecoveryCodes>('/me/totp/recovery-codes', { password }),
    onSuccess: async ({ recoveryCodes }) => {
      setPassword('');
      onNewCodes(recoveryCodes);
      await queryClient.invalidateQueries({ queryKey: RECOVERY_LEFT_KEY });
    },
  });
  const remaining = left.data?.remaining;
  return (
    <Stack component="form" onSubmit={submitWith(regenerate)} gap="sm">
      <Title order={4}>Two-factor sign-in is on</Title>
      {remaining !== undefined && (
        <Text size="sm" data-testid="recovery-codes-left" data-remaining={remaining}>
          {remaining === 1 ? '1 recovery code left' : `${remaining} recovery codes left`}. Each signs you in
          once instead of a code from the app.
        </Text>
      )}
      {remaining !== undefined && remaining <= 2 && (
        <Alert color="orange">
          {remaining === 0
            ? 'No recovery codes left: without the phone you cannot sign in. Generate new ones.'
            : 'Few recovery codes left: generate a new set before they run out.'}
        </Alert>
      )}
      <Group align="flex-end">
        <ConfirmPassword name="recoveryPassword" value={password} onChange={setPassword} />
        <Button type="submit" variant={remaining === 0 ? 'filled' : 'default'} loading={regenerate.isPending}>
          Generate new recovery codes
        </Button>
      </Group>
      <Text size="xs" c="dimmed">
        A new set replaces the old one: codes you saved before stop working.
      </Text>
      <ErrorAlert error={regenerate.error ?? left.error} />
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
      <Title order={5}>Turn two-factor sign-in off</Title>
      <Text size="sm">Confirm with your password and a current code (or a recovery code).</Text>
      <Group align="flex-end">
        <ConfirmPassword name="disablePassword" value={password} onChange={setPassword} />
        <TextInput
          label="Code"
          name="disableCode"
          w={200}
          maxLength={LIMITS.secondFactorCode}
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

/** The password asked again before a two-factor change. */
function ConfirmPassword({
  name,
  value,
  onChange,
}: {
  name: string;
  value: string;
  onChange(value: string): void;
}) {
  return (
    <PasswordInput
      label="Password"
      name={name}
      w={240}
      maxLength={LIMITS.password}
      required
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
    />
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
          name="currentPassword"
          w={240}
          maxLength={LIMITS.password}
          required
          value={currentPassword}
          onChange={(e) => setCurrent(e.currentTarget.value)}
        />
        <PasswordInput
          label="New password"
          name="newPassword"
          w={240}
          maxLength={LIMITS.password}
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
