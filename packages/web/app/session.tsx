import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useCallback, useContext, useMemo, useState } from 'react';
import { ApiError, get, post } from './api/client.ts';
import type { Me, Role, Workspace } from './api/types.ts';

interface Session {
  me: Me;
  workspace: Workspace;
  selectWorkspace(id: string): void;
  /** True when the signed-in user may change apps, connections and members here. */
  canAdmin: boolean;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);
const WORKSPACE_KEY = 'koppel.workspace';

export const ME_KEY = ['me'] as const;

/** GET /me; `null` when nobody is signed in (401), an error for anything else. */
export function useMe() {
  return useQuery({
    queryKey: ME_KEY,
    queryFn: async () => {
      try {
        return await get<Me>('/me');
      } catch (error) {
        if (error instanceof ApiError && error.status === 401) return null;
        throw error;
      }
    },
    staleTime: 60_000,
  });
}

export function SessionProvider({ me, children }: { me: Me; children: ReactNode }) {
  const queryClient = useQueryClient();
  const [chosen, setChosen] = useState(() => localStorage.getItem(WORKSPACE_KEY));
  const workspace = me.workspaces.find((w) => w.id === chosen) ?? me.workspaces[0];
  const selectWorkspace = useCallback(
    (id: string) => {
      localStorage.setItem(WORKSPACE_KEY, id);
      setChosen(id);
      queryClient.removeQueries({ predicate: (q) => q.queryKey[0] === 'workspace' });
    },
    [queryClient],
  );
  const signOut = useCallback(async () => {
    await post('/auth/logout');
    // Signed-out first (the mounted session query shows the sign-in page), then forget the data.
    queryClient.setQueryData(ME_KEY, null);
    queryClient.removeQueries({ predicate: (q) => q.queryKey[0] !== ME_KEY[0] });
  }, [queryClient]);
  const value = useMemo(
    () =>
      workspace
        ? { me, workspace, selectWorkspace, canAdmin: atLeast(workspace.role, 'admin'), signOut }
        : null,
    [me, workspace, selectWorkspace, signOut],
  );
  if (!value) return null;
  return <SessionContext.Provider value={value}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const session = useContext(SessionContext);
  if (!session) throw new Error('useSession outside a signed-in page');
  return session;
}

const RANK: Record<Role, number> = { viewer: 1, admin: 2, owner: 3 };
export const atLeast = (role: Role, required: Role) => RANK[role] >= RANK[required];
