import { ROTATION_OVERLAP_MS, liveSecrets, newSecret, rotate } from './secret-rules';

const now = new Date('2026-06-01T12:00:00Z');
const later = (ms: number) => new Date(now.getTime() + ms);

describe('signing secrets', () => {
  it('are 32 random bytes, different every time', () => {
    const a = newSecret();
    expect(a).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(newSecret()).not.toBe(a);
  });

  it('a rotation keeps the old secret signing beside the new one for 24 h', () => {
    const rotated = rotate([{ value: 'old', expiresAt: null }], 'new', now);
    expect(liveSecrets(rotated, now)).toEqual(['new', 'old']);
    expect(liveSecrets(rotated, later(ROTATION_OVERLAP_MS - 1))).toEqual(['new', 'old']);
    expect(liveSecrets(rotated, later(ROTATION_OVERLAP_MS))).toEqual(['new']);
  });

  it('a second rotation drops the secret the first one replaced', () => {
    const once = rotate([{ value: 'first', expiresAt: null }], 'second', now);
    const twice = rotate(once, 'third', later(60_000));
    expect(liveSecrets(twice, later(60_000))).toEqual(['third', 'second']);
  });
});
