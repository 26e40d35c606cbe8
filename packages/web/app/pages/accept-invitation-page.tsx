import { Button, Center, Paper, PasswordInput, Stack, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useState } from 'react';
import { useNavigate } from 'react-router';
import { post } from '../api/client.ts';
import { ErrorAlert } from '../components/error-alert.tsx';
import { fieldError } from '../components/field-errors.ts';
import { LIMITS } from '../components/field-limits.ts';
import { Loading } from '../components/loading.tsx';
import { submitWith } from '../components/submit-with.ts';
import { ME_KEY } from '../session.tsx';

interface Preview {
  workspaceName: string;
  email: string;
  role: string;
}

/** The link from an invitation (`/invitations/accept#token=…`): the token stays in the fragment. */
export function AcceptInvitationPage() {
  const token = new URLSearchParams(window.location.hash.slice(1)).get('token') ?? '';
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const [name, setName] = useState('');
  const [password, setPassword] = useState('');
  const [totpCode, setTotpCode] = useState('');
  const preview = useQuery({
    queryKey: ['invitation', token],
    queryFn: () => post<Preview>('/invitations/lookup', { token }),
    retry: false,
  });
  const accept = useMutation({
    mutationFn: () =>
      post('/invitations/accept', {
        token,
        password,
        ...(name.trim() ? { name } : {}),
        ...(totpCode.trim() ? { totpCode } : {}),
      }),
    onSuccess: async () => {
      await queryClient.invalidateQueries({ queryKey: ME_KEY });
      navigate('/');
    },
  });
  const submit = submitWith(accept);
  return (
    <Center mih="100vh" bg="light-dark(var(--mantine-color-gray-0), var(--mantine-color-dark-8))" p="md">
      <Paper withBorder shadow="sm" p="xl" radius="md" w={440}>
        <Stack component="form" onSubmit={submit}>
          <Title order={3}>Join a workspace</Title>
          {preview.isPending ? (
            <Loading />
          ) : preview.error ? (
            <ErrorAlert error={preview.error} title="This invitation cannot be used" />
          ) : (
            preview.data && (
              <>
                <Text size="sm">
                  <b>{preview.data.email}</b> is invited to <b>{preview.data.workspaceName}</b> as{' '}
                  {preview.data.role}. New to Koppel? Choose your name and a password. Already have an
                  account? Leave the name empty and sign in with your password.
                </Text>
                <TextInput
                  label="Your name (for a new account)"
                  name="name"
                  maxLength={LIMITS.name}
                  error={fieldError(accept.error, 'name')}
                  value={name}
                  onChange={(e) => setName(e.currentTarget.value)}
                />
                <PasswordInput
                  label="Password"
                  name="password"
                  maxLength={LIMITS.password}
                  error={fieldError(accept.error, 'password')}
                  required
                  value={password}
                  onChange={(e) => setPassword(e.currentTarget.value)}
                />
                <TextInput
                  label="Authenticator code or recovery code (existing accounts with two-factor sign-in)"
                  name="totpCode"
                  maxLength={LIMITS.secondFactorCode}
                  error={fieldError(accept.error, 'totpCode')}
                  value={totpCode}
                  onChange={(e) => setTotpCode(e.currentTarget.value)}
                />
                <ErrorAlert error={accept.error} fields={['name', 'password', 'totpCode']} />
                <Button type="submit" loading={accept.isPending}>
                  Accept invitation
                </Button>
              </>
            )
          )}
        </Stack>
      </Paper>
    </Center>
  );
}
