/**
 * Refresh-token rotation rules (pure). Every refresh token is single-use; presenting one that
 * was already used means it was stolen or replayed, so its whole family (session) dies.
 */
export interface RefreshTokenState {
  expiresAt: Date;
}

export interface SessionState {
  revoked: boolean;
  expiresAt: Date;
}

export type RefreshDecision =
  | { kind: 'rotate' }
  | { kind: 'reject'; reason: 'unknown' | 'expired' | 'session-revoked' | 'user-inactive' }
  | { kind: 'revoke-family'; reason: 'reuse' };

/**
 * Decides what a presented refresh token leads to. `claimed` is true when this request was
 * the first to use the token (an insert into a unique index); false means it was used before.
 */
export function decideRefresh(input: {
  token: RefreshTokenState | null;
  claimed: boolean;
  session: SessionState | null;
  userActive: boolean;
  now: Date;
}): RefreshDecision {
  const { token, claimed, session, userActive, now } = input;
  if (!token || !session) return { kind: 'reject', reason: 'unknown' };
  if (!claimed) {
    return session.revoked
      ? { kind: 'reject', reason: 'session-revoked' }
      : { kind: 'revoke-family', reason: 'reuse' };
  }
  if (session.revoked) return { kind: 'reject', reason: 'session-revoked' };
  if (token.expiresAt <= now || session.expiresAt <= now)
    return { kind: 'reject', reason: 'expired' };
  if (!userActive) return { kind: 'reject', reason: 'user-inactive' };
  return { kind: 'rotate' };
}
