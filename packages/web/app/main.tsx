import '@mantine/core/styles.css';
import '@mantine/notifications/styles.css';
import '@mantine/charts/styles.css';
import {
  Badge,
  Button,
  Center,
  createTheme,
  MantineProvider,
  Paper,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { Notifications } from '@mantine/notifications';
import {
  MutationCache,
  QueryCache,
  QueryClient,
  QueryClientProvider,
  useMutation,
  useQueryClient,
} from '@tanstack/react-query';
import { StrictMode, useState } from 'react';
import { createRoot } from 'react-dom/client';
import { BrowserRouter, Route, Routes, useLocation } from 'react-router';
import { ApiError, post } from './api/client.ts';
import { CrashBoundary } from './components/crash-boundary.tsx';
import { ErrorAlert } from './components/error-alert.tsx';
import { fieldError } from './components/field-errors.ts';
import { LIMITS } from './components/field-limits.ts';
import { Layout } from './components/layout.tsx';
import { Loading } from './components/loading.tsx';
import { submitWith } from './components/submit-with.ts';
import { AcceptInvitationPage } from './pages/accept-invitation-page.tsx';
import { AppsPage } from './pages/apps-page.tsx';
import { AuditPage } from './pages/audit-page.tsx';
import { ConnectionPage } from './pages/connection-page.tsx';
import { ConnectionsPage } from './pages/connections-page.tsx';
import { DataPage } from './pages/data-page.tsx';
import { DestinationsPage } from './pages/destinations-page.tsx';
import { FlowPage } from './pages/flow-page.tsx';
import { FlowsPage } from './pages/flows-page.tsx';
import { HomePage } from './pages/home-page.tsx';
import { MembersPage } from './pages/members-page.tsx';
import { NewFlowPage } from './pages/new-flow-page.tsx';
import { SecurityPage } from './pages/security-page.tsx';
import { SetupWizardPage } from './pages/setup-wizard-page.tsx';
import { SignInPage } from './pages/sign-in-page.tsx';
import { TokensPage } from './pages/tokens-page.tsx';
import { WatcherPage } from './pages/watcher-page.tsx';
import { ME_KEY, SessionProvider, useMe } from './session.tsx';

/** A 401 on any call means the session ended (expired, signed out elsewhere): ask /me again. */
function onApiError(error: unknown) {
  if (error instanceof ApiError && error.status === 401)
    void queryClient.invalidateQueries({ queryKey: ME_KEY });
}

const queryClient: QueryClient = new QueryClient({
  queryCache: new QueryCache({ onError: onApiError }),
  mutationCache: new MutationCache({ onError: onApiError }),
  defaultOptions: {
    queries: {
      // A 4xx will not change by asking again; network trouble might.
      retry: (count, error) =>
        count < 2 && !(error instanceof ApiError && error.status >= 400 && error.status < 500),
      refetchOnWindowFocus: true,
    },
  },
});

function Root() {
  const location = useLocation();
  const me = useMe();
  if (location.pathname === '/invitations/accept') return <AcceptInvitationPage />;
  if (me.isPending) return <Loading />;
  if (me.error) {
    return (
      <Center p="xl">
        <ErrorAlert error={me.error} title="The hub could not be reached" />
      </Center>
    );
  }
  if (!me.data) return <SignInPage />;
  if (me.data.workspaces.length === 0) return <NoWorkspace />;
  return (
    <SessionProvider me={me.data}>
      <Layout>
        <Routes>
          <Route path="/" element={<HomePage />} />
          <Route path="/connections" element={<ConnectionsPage />} />
          <Route path="/connections/:connectionId" element={<ConnectionPage />} />
          <Route path="/flows" element={<FlowsPage />} />
          <Route path="/flows/new" element={<NewFlowPage />} />
          <Route path="/flows/:flowId" element={<FlowPage />} />
          <Route path="/data" element={<DataPage />} />
          <Route path="/watcher" element={<WatcherPage />} />
          <Route path="/audit" element={<AuditPage />} />
          <Route path="/destinations" element={<DestinationsPage />} />
          <Route path="/apps" element={<AppsPage />} />
          <Route path="/setup" element={<SetupWizardPage />} />
          <Route path="/members" element={<MembersPage />} />
          <Route path="/tokens" element={<TokensPage />} />
          <Route path="/security" element={<SecurityPage />} />
          <Route path="*" element={<Text>This page does not exist.</Text>} />
        </Routes>
      </Layout>
    </SessionProvider>
  );
}

/** A user who left every workspace (or was removed) can start a new one. */
function NoWorkspace() {
  const client = useQueryClient();
  const [name, setName] = useState('');
  const create = useMutation({
    mutationFn: () => post('/workspaces', { name }),
    onSuccess: () => client.invalidateQueries({ queryKey: ME_KEY }),
  });
  const submit = submitWith(create);
  return (
    <Center mih="100vh" p="md">
      <Paper withBorder p="xl" w={420}>
        <Stack component="form" onSubmit={submit}>
          <Title order={3}>You are not in any workspace</Title>
          <Text size="sm">Ask an admin for an invitation, or create a workspace of your own.</Text>
          <TextInput
            label="Workspace name"
            name="workspaceName"
            maxLength={LIMITS.name}
            error={fieldError(create.error, 'name')}
            required
            value={name}
            onChange={(e) => setName(e.currentTarget.value)}
          />
          <ErrorAlert error={create.error} fields={['name']} />
          <Button type="submit" loading={create.isPending}>
            Create workspace
          </Button>
        </Stack>
      </Paper>
    </Center>
  );
}

const theme = createTheme({
  primaryColor: 'blue',
  defaultRadius: 'sm',
  components: {
    // A status must be read whole at phone width: never squeezed or cut off with an ellipsis.
    Badge: Badge.extend({
      styles: { root: { flexShrink: 0, maxWidth: 'none' }, label: { overflow: 'visible' } },
    }),
  },
});

createRoot(document.getElementById('root')!).render(
  <StrictMode>
    <MantineProvider theme={theme} defaultColorScheme="auto">
      <Notifications position="top-right" />
      <QueryClientProvider client={queryClient}>
        <BrowserRouter>
          <CrashBoundary>
            <Root />
          </CrashBoundary>
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  </StrictMode>,
);
