import { feedTokenHash, isFeedTokenShaped, newFeedToken } from './feed-token';

describe('a calendar feed token', () => {
  it('is 43 URL-safe characters, new at every call', () => {
    const tokens = new Set(Array.from({ length: 100 }, newFeedToken));
    expect(tokens.size).toBe(100);
    for (const token of tokens) expect(isFeedTokenShaped(token)).toBe(true);
  });

  it('is known by its SHA-256 alone, the same for the same token', () => {
    const token = newFeedToken();
    expect(feedTokenHash(token)).toMatch(/^[0-9a-f]{64}$/);
    expect(feedTokenHash(token)).toBe(feedTokenHash(token));
    expect(feedTokenHash(token)).not.toBe(feedTokenHash(newFeedToken()));
  });

  it('is refused without asking anyone when it has another shape', () => {
    for (const token of ['', 'short', 'A'.repeat(42), 'A'.repeat(44), `${'A'.repeat(42)}.`]) {
      expect(isFeedTokenShaped(token)).toBe(false);
    }
  });
});
