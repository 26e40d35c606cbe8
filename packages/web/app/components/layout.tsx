import { AppShell, Burger, Button, Group, NavLink, Select, Stack, Text, Title } from '@mantine/core';
import { useDisclosure } from '@mantine/hooks';
import { useMutation } from '@tanstack/react-query';
import type { ReactNode } from 'react';
import { NavLink as RouterLink } from 'react-router';
import { useSession } from '../session.tsx';
import { ErrorAlert } from './error-alert.tsx';

const NAV = [
  { to: '/', label: 'Home' },
  { to: '/connections', label: 'Connections' },
  { to: '/flows', label: 'Flows' },
  { to: '/watcher', label: 'Watcher' },
  { to: '/data', label: 'Data' },
  { to: '/destinations', label: 'Destinations' },
  { to: '/apps', label: 'Exact apps' },
  { to: '/setup', label: 'Guided set-up', adminOnly: true },
  { to: '/members', label: 'Members' },
  { to: '/audit', label: 'Audit log', adminOnly: true },
  { to: '/tokens', label: 'API tokens' },
  { to: '/security', label: 'Security' },
];

export function Layout({ children }: { children: ReactNode }) {
  const { me, workspace, selectWorkspace, signOut, canAdmin } = useSession();
  const [opened, { toggle, close }] = useDisclosure();
  const logout = useMutation({ mutationFn: signOut });
  return (
    <AppShell
      header={{ height: 56 }}
      navbar={{ width: 230, breakpoint: 'sm', collapsed: { mobile: !opened } }}
      padding="lg"
    >
      <AppShell.Header>
        <Group h="100%" px="md" justify="space-between">
          <Group gap="sm">
            <Burger opened={opened} onClick={toggle} hiddenFrom="sm" size="sm" />
            <Title order={3} c="blue.8">
              Koppel
            </Title>
          </Group>
          <Group gap="sm">
            {me.workspaces.length > 1 && (
              <Select
                aria-label="Workspace"
                size="xs"
                data={me.workspaces.map((w) => ({ value: w.id, label: w.name }))}
                value={workspace.id}
                allowDeselect={false}
                onChange={(id) => id && selectWorkspace(id)}
              />
            )}
            <Text size="sm" c="dimmed" visibleFrom="sm">
              {me.user.name} · {workspace.role}
            </Text>
            <Button size="xs" variant="default" onClick={() => logout.mutate()} loading={logout.isPending}>
              Sign out
            </Button>
          </Group>
        </Group>
      </AppShell.Header>
      <AppShell.Navbar p="xs">
        <Stack gap={2}>
          <Text size="xs" c="dimmed" px="sm" py={4}>
            {workspace.name}
          </Text>
          {NAV.filter((item) => canAdmin || !('adminOnly' in item)).map((item) => (
            <RouterLink
              key={item.to}
              to={item.to}
              end={item.to === '/'}
              onClick={close}
              style={{ textDecoration: 'none', color: 'inherit' }}
            >
              {({ isActive }) => <NavLink component="span" label={item.label} active={isActive} />}
            </RouterLink>
          ))}
        </Stack>
      </AppShell.Navbar>
      <AppShell.Main>
        <ErrorAlert error={logout.error} title="Could not sign out" />
        {children}
      </AppShell.Main>
    </AppShell>
  );
}
