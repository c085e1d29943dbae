import { parseEnv } from '@slotbook/runtime';
import { GatewayEnv } from '../config';
import { PageCursors } from './page-cursors';

const actor = { id: 'u1', role: 'USER' as const, sessionId: 's1' };
const scope = { route: 'GET /bookings', actor, filter: { status: 'cancelled' } };
const cursors = new PageCursors({ CURSOR_SECRET: 'a'.repeat(32) });

describe('page cursors', () => {
  it('opens what it sealed, for the same list, caller and filter', () => {
    expect(cursors.open(scope, cursors.seal(scope, 'inner-cursor'))).toBe('inner-cursor');
  });

  it('binds equal filters equally, whatever the key order or the offset of an instant', () => {
    const from = { ...scope, filter: { from: new Date('2030-01-01T01:00:00+01:00'), status: 'x' } };
    const same = { ...scope, filter: { status: 'x', from: new Date('2030-01-01T00:00:00Z') } };
    expect(cursors.open(same, cursors.seal(from, 'c'))).toBe('c');
  });

  it.each([
    ['another route', { ...scope, route: 'GET /admin/users' }],
    ['another filter', { ...scope, filter: { status: 'confirmed' } }],
    ['another caller', { ...scope, actor: { ...actor, id: 'u2' } }],
  ])('refuses it for %s', (_, other) => {
    expect(() => cursors.open(other, cursors.seal(scope, 'c'))).toThrow('the cursor is invalid');
  });

  it('refuses a cursor sealed under another secret', () => {
    const foreign = new PageCursors({ CURSOR_SECRET: 'b'.repeat(32) });
    expect(() => cursors.open(scope, foreign.seal(scope, 'c'))).toThrow('the cursor is invalid');
  });

  it('refuses garbage', () => {
    for (const garbage of ['x', 'c1.', 'c1.AAAA', 'c2.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'])
      expect(() => cursors.open(scope, garbage)).toThrow('the cursor is invalid');
  });
});

describe('CURSOR_SECRET', () => {
  const base = {
    AMQP_URL: 'amqp://127.0.0.1',
    REDIS_URL: 'redis://127.0.0.1',
    JWT_PUBLIC_KEY: '-----BEGIN PUBLIC KEY-----x',
  };

  it('is required in production', () => {
    expect(() => parseEnv(GatewayEnv, { ...base, NODE_ENV: 'production' })).toThrow(
      /CURSOR_SECRET is missing/,
    );
  });

  it('has a shared development default elsewhere, so local replicas agree', () => {
    const one = parseEnv(GatewayEnv, { ...base, NODE_ENV: 'test' });
    const two = parseEnv(GatewayEnv, { ...base, NODE_ENV: 'development' });
    expect(one.CURSOR_SECRET).toBe(two.CURSOR_SECRET);
  });

  it('must be long enough', () => {
    expect(() => parseEnv(GatewayEnv, { ...base, CURSOR_SECRET: 'short' })).toThrow(
      /CURSOR_SECRET is invalid/,
    );
  });
});
