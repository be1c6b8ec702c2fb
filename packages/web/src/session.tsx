import { useQuery, useQueryClient } from '@tanstack/react-query';
import { createContext, type ReactNode, useContext } from 'react';
import { api } from './api.ts';

export interface SessionUser {
  username: string;
  isAdmin: boolean;
}

interface Session {
  user: SessionUser | null;
  loading: boolean;
  /** Whether this server lets anyone make an account. */
  signupAllowed: boolean;
  signUp(username: string, password: string): Promise<void>;
  signIn(username: string, password: string): Promise<void>;
  signOut(): Promise<void>;
}

const SessionContext = createContext<Session | null>(null);

/** Who is signed in (asked of /api/v1/auth/session with the cookie), and signing in and out. */
export function SessionProvider({ children }: { children: ReactNode }) {
  const queries = useQueryClient();
  const me = useQuery({
    queryKey: ['me'],
    queryFn: async () => {
      const s = await api.session();
      api.setCsrfToken(s.csrfToken);
      return {
        user: s.user ? ({ username: s.user.username, isAdmin: s.user.isAdmin } as SessionUser) : null,
        signup: s.signup,
      };
    },
    staleTime: 60_000,
  });
  const session: Session = {
    user: me.data?.user ?? null,
    loading: me.isLoading,
    signupAllowed: me.data?.signup ?? false,
    async signUp(username, password) {
      const r = await api.signup(username, password);
      api.setToken(undefined);
      api.setCsrfToken(r.csrfToken);
      await queries.invalidateQueries();
    },
    async signIn(username, password) {
      const r = await api.login(username, password);
      // The session cookie is set; the token in the answer is the CLI's and is dropped here.
      api.setToken(undefined);
      api.setCsrfToken(r.csrfToken);
      await queries.invalidateQueries();
    },
    async signOut() {
      await api.logout().catch(() => undefined);
      api.setCsrfToken(undefined);
      await queries.invalidateQueries();
    },
  };
  return <SessionContext.Provider value={session}>{children}</SessionContext.Provider>;
}

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside SessionProvider');
  return s;
}
