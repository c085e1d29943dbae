import { useEffect, useState, useSyncExternalStore } from 'react';
import { api, type User } from '../api/client';
import { networkProblem, problemOf, type Problem } from '../api/problem';
import { session } from '../api/session';

export interface Me {
  signedIn: boolean;
  user: User | null;
  problem: Problem | null;
}

/** The signed-in user (GET /users/me), following sign-in and sign-out. */
export function useMe(): Me {
  const tokens = useSyncExternalStore(session.subscribe, session.snapshot);
  const [user, setUser] = useState<User | null>(null);
  const [problem, setProblem] = useState<Problem | null>(null);

  useEffect(() => {
    setUser(null);
    setProblem(null);
    if (!tokens) return;
    api
      .GET('/api/v1/users/me')
      .then(({ data, error, response }) => {
        if (data) setUser(data);
        else if (response.status === 401) session.clear();
        else setProblem(problemOf(error, response));
      })
      .catch(() => setProblem(networkProblem()));
  }, [tokens]);

  return { signedIn: tokens !== null, user, problem };
}

export async function signOut(): Promise<void> {
  const tokens = session.tokens();
  session.clear();
  if (tokens)
    await api
      .POST('/api/v1/auth/logout', { body: { refreshToken: tokens.refreshToken } })
      .catch(() => undefined);
}
