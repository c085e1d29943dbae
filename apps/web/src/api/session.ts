/** The signed-in user's token pair, kept for this browser tab only. */
export interface TokenPair {
  accessToken: string;
  refreshToken: string;
}

const KEY = 'slotbook.session';
let refreshing: Promise<TokenPair | null> | null = null;
const listeners = new Set<() => void>();

function read(): TokenPair | null {
  try {
    const raw = sessionStorage.getItem(KEY);
    return raw ? (JSON.parse(raw) as TokenPair) : null;
  } catch {
    return null;
  }
}

export const session = {
  tokens: read,
  /** The stored pair as a string: a stable snapshot for React's useSyncExternalStore. */
  snapshot(): string | null {
    try {
      return sessionStorage.getItem(KEY);
    } catch {
      return null;
    }
  },
  save(tokens: TokenPair): void {
    sessionStorage.setItem(KEY, JSON.stringify(tokens));
    listeners.forEach((listener) => listener());
  },
  clear(): void {
    sessionStorage.removeItem(KEY);
    listeners.forEach((listener) => listener());
  },
  /** True when the access token expires within half a minute (or cannot be read). */
  expiresSoon(tokens: TokenPair): boolean {
    try {
      const payload = tokens.accessToken.split('.')[1].replace(/-/g, '+').replace(/_/g, '/');
      const { exp } = JSON.parse(atob(payload)) as { exp?: number };
      return typeof exp !== 'number' || exp * 1000 < Date.now() + 30_000;
    } catch {
      return true;
    }
  },
  subscribe(listener: () => void): () => void {
    listeners.add(listener);
    return () => listeners.delete(listener);
  },
  /** One refresh at a time: a refresh token works once, so parallel 401s share the answer. */
  refresh(): Promise<TokenPair | null> {
    const current = read();
    if (!current) return Promise.resolve(null);
    refreshing ??= fetch('/api/v1/auth/refresh', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ refreshToken: current.refreshToken }),
    })
      .then(async (response) => {
        if (!response.ok) {
          session.clear();
          return null;
        }
        const pair = (await response.json()) as TokenPair;
        session.save(pair);
        return pair;
      })
      .catch(() => null)
      .finally(() => {
        refreshing = null;
      });
    return refreshing;
  },
};
