import { decideRefresh, type RefreshTokenState, type SessionState } from './refresh-rotation';

const now = new Date('2030-01-01T12:00:00Z');
const later = new Date('2030-02-01T12:00:00Z');
const earlier = new Date('2029-12-01T12:00:00Z');
const activeToken: RefreshTokenState = { expiresAt: later };
const liveSession: SessionState = { revoked: false, expiresAt: later };

describe('refresh-token rotation', () => {
  it('rotates a token this request claimed, from a live session of an active user', () => {
    expect(
      decideRefresh({
        token: activeToken,
        claimed: true,
        session: liveSession,
        userActive: true,
        now,
      }),
    ).toEqual({ kind: 'rotate' });
  });

  it('treats a token that was already used as theft: the whole family is revoked', () => {
    const used: RefreshTokenState = { expiresAt: later };
    expect(
      decideRefresh({ token: used, claimed: false, session: liveSession, userActive: true, now }),
    ).toEqual({
      kind: 'revoke-family',
      reason: 'reuse',
    });
  });

  it('treats losing a concurrent refresh of the same token as reuse too', () => {
    expect(
      decideRefresh({
        token: activeToken,
        claimed: false,
        session: liveSession,
        userActive: true,
        now,
      }).kind,
    ).toBe('revoke-family');
  });

  it('rejects a token of a family that is already revoked, without revoking again', () => {
    const revoked: SessionState = { revoked: true, expiresAt: later };
    expect(
      decideRefresh({
        token: { expiresAt: later },
        claimed: false,
        session: revoked,
        userActive: true,
        now,
      }),
    ).toEqual({
      kind: 'reject',
      reason: 'session-revoked',
    });
    expect(
      decideRefresh({ token: activeToken, claimed: true, session: revoked, userActive: true, now }),
    ).toEqual({
      kind: 'reject',
      reason: 'session-revoked',
    });
  });

  it('rejects an unknown token', () => {
    expect(
      decideRefresh({ token: null, claimed: false, session: null, userActive: false, now }),
    ).toEqual({ kind: 'reject', reason: 'unknown' });
  });

  it('rejects an expired token or session', () => {
    expect(
      decideRefresh({
        token: { expiresAt: earlier },
        claimed: true,
        session: liveSession,
        userActive: true,
        now,
      }),
    ).toEqual({
      kind: 'reject',
      reason: 'expired',
    });
    expect(
      decideRefresh({
        token: activeToken,
        claimed: true,
        session: { revoked: false, expiresAt: now },
        userActive: true,
        now,
      }).kind,
    ).toBe('reject');
  });

  it('rejects the refresh of a deactivated user', () => {
    expect(
      decideRefresh({
        token: activeToken,
        claimed: true,
        session: liveSession,
        userActive: false,
        now,
      }),
    ).toEqual({
      kind: 'reject',
      reason: 'user-inactive',
    });
  });
});
