import {
  Anchor,
  Button,
  Center,
  Paper,
  PasswordInput,
  PinInput,
  SegmentedControl,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useEffect, useState } from 'react';
import { get, post } from '../api/client.ts';
import type { LoginResult } from '../api/types.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { fieldError } from '../components/field-errors.ts';
import { LIMITS } from '../components/field-limits.ts';
import { ME_KEY } from '../session.tsx';

type Mode = 'sign-in' | 'sign-up';

/** Sign in (with the authenticator step when two-factor sign-in is on) or create the first account. */
export function SignInPage() {
  const queryClient = useQueryClient();
  const [mode, setMode] = useState<Mode>('sign-in');
  const [totpStep, setTotpStep] = useState(false);
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const [name, setName] = useState('');
  const [workspaceName, setWorkspaceName] = useState('');
  const [code, setCode] = useState('');
  // Instead of the authenticator code, one of the recovery codes saved when two-factor was turned on.
  const [withRecoveryCode, setWithRecoveryCode] = useState(false);

  const signedIn = () => queryClient.invalidateQueries({ queryKey: ME_KEY });
  // Sign-up exists only until the hub has its first user; a fresh hub opens on it.
  const signup = useQuery({
    queryKey: ['signup-open'],
    queryFn: () => get<{ open: boolean }>('/auth/signup'),
  });
  const signupOpen = signup.data?.open === true;
  useEffect(() => {
    setMode(signupOpen ? 'sign-up' : 'sign-in');
  }, [signupOpen]);

  const signIn = useMutation({
    mutationFn: () => post<LoginResult>('/auth/login', { email, password }),
    onSuccess: async (result) => {
      if (result.status === 'totp_required') setTotpStep(true);
      else await signedIn();
    },
  });
  const signUp = useMutation({
    mutationFn: () =>
      post('/auth/signup', {
        email,
        name,
        password,
        ...(workspaceName.trim() ? { workspaceName } : {}),
      }),
    onSuccess: async () => {
      // The hub has its first user now: after signing out this page offers sign-in only.
      queryClient.setQueryData(['signup-open'], { open: false });
      await signedIn();
    },
  });
  const totp = useMutation({
    mutationFn: () => post('/auth/login/totp', { code }),
    onSuccess: signedIn,
    // A wrong authenticator code is typed again from scratch; a recovery code is checked for a typo.
    onError: () => {
      if (!withRecoveryCode) setCode('');
    },
  });

  const form = mode === 'sign-in' ? signIn : signUp;
  const submit = (event: FormEvent) => {
    event.preventDefault();
    if (totpStep) totp.mutate();
    else if (mode === 'sign-in') signIn.mutate();
    else signUp.mutate();
  };
  const pending = signIn.isPending || signUp.isPending || totp.isPending;

  return (
    <Center mih="100vh" bg="light-dark(var(--mantine-color-gray-0), var(--mantine-color-dark-8))" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w={420} component="form" onSubmit={submit}>
        <Stack>
          <div>
            <Title order={2}>Koppel</Title>
            <Text c="dimmed" size="sm">
              The open-source Exact Online integration hub
            </Text>
          </div>
          {totpStep ? (
            <>
              {withRecoveryCode ? (
                <TextInput
                  label="Recovery code"
                  name="recoveryCode"
                  description={
                    <>
                      One of the codes you saved when you turned on two-factor sign-in, to finish signing in
                      as <b>{email}</b>. Each code works once.
                    </>
                  }
                  placeholder="abcd-efgh-ijkl-mnop"
                  autoComplete="off"
                  spellCheck={false}
                  maxLength={LIMITS.secondFactorCode}
                  error={fieldError(totp.error, 'code')}
                  value={code}
                  onChange={(e) => setCode(e.currentTarget.value)}
                  autoFocus
                />
              ) : (
                <>
                  <Text size="sm">
                    Enter the 6-digit code from your authenticator app to finish signing in as <b>{email}</b>.
                  </Text>
                  <PinInput
                    length={6}
                    type="number"
                    oneTimeCode
                    value={code}
                    onChange={setCode}
                    aria-label="Authenticator code"
                    autoFocus
                  />
                </>
              )}
              <ErrorAlert error={totp.error} fields={withRecoveryCode ? ['code'] : []} />
              <Button
                type="submit"
                loading={pending}
                disabled={withRecoveryCode ? code.trim() === '' : code.length !== 6}
              >
                Verify
              </Button>
              <Anchor
                size="sm"
                component="button"
                type="button"
                onClick={() => {
                  setWithRecoveryCode(!withRecoveryCode);
                  setCode('');
                  totp.reset();
                }}
              >
                {withRecoveryCode
                  ? 'Use the authenticator app instead'
                  : 'Lost your phone? Use a recovery code'}
              </Anchor>
              <Anchor
                size="sm"
                component="button"
                type="button"
                onClick={() => {
                  setTotpStep(false);
                  setWithRecoveryCode(false);
                  setCode('');
                }}
              >
                Start over
              </Anchor>
            </>
          ) : (
            <>
              {signupOpen && (
                <SegmentedControl
                  value={mode}
                  onChange={(value) => setMode(value as Mode)}
                  data={[
                    { value: 'sign-in', label: 'Sign in' },
                    { value: 'sign-up', label: 'Create the first account' },
                  ]}
                />
              )}
              {mode === 'sign-up' && (
                <Text size="sm" c="dimmed">
                  The first account owns this hub. Everyone after that joins through an invitation.
                </Text>
              )}
              <TextInput
                label="E-mail"
                type="email"
                name="email"
                maxLength={LIMITS.email}
                error={fieldError(form.error, 'email')}
                autoComplete="username"
                required
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
              />
              {mode === 'sign-up' && (
                <TextInput
                  label="Your name"
                  name="name"
                  maxLength={LIMITS.name}
                  error={fieldError(form.error, 'name')}
                  required
                  value={name}
                  onChange={(e) => setName(e.currentTarget.value)}
                />
              )}
              <PasswordInput
                label="Password"
                name="password"
                maxLength={LIMITS.password}
                error={fieldError(form.error, 'password')}
                autoComplete={mode === 'sign-up' ? 'new-password' : 'current-password'}
                description={mode === 'sign-up' ? 'At least 10 characters' : undefined}
                required
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
              />
              {mode === 'sign-up' && (
                <TextInput
                  label="Workspace name"
                  name="workspaceName"
                  maxLength={LIMITS.name}
                  error={fieldError(form.error, 'workspaceName')}
                  placeholder="e.g. your company"
                  value={workspaceName}
                  onChange={(e) => setWorkspaceName(e.currentTarget.value)}
                />
              )}
              <ErrorAlert error={form.error} fields={['email', 'name', 'password', 'workspaceName']} />
              <Button type="submit" loading={pending}>
                {mode === 'sign-in' ? 'Sign in' : 'Create account'}
              </Button>
            </>
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
