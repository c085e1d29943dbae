import { randomUUID } from 'node:crypto';
import { ManageTokenCodec } from './manage-token';

describe('manage tokens', () => {
  const tokens = new ManageTokenCodec('a-secret-of-at-least-thirty-two-characters');

  it('are URL-safe, 64 characters, the same for a booking every time, and name it', () => {
    const bookingId = randomUUID();
    const token = tokens.tokenOf(bookingId);
    expect(token).toMatch(/^[A-Za-z0-9_-]{64}$/);
    expect(tokens.tokenOf(bookingId)).toBe(token);
    expect(tokens.bookingOf(token)).toBe(bookingId);
  });

  it('name nothing once altered anywhere, or under another secret', () => {
    const token = tokens.tokenOf(randomUUID());
    for (let i = 0; i < token.length; i += 1) {
      const altered = `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
      expect(tokens.bookingOf(altered)).toBeNull();
    }
    const other = new ManageTokenCodec('another-secret-of-at-least-thirty-two-chars');
    expect(other.bookingOf(token)).toBeNull();
  });

  it('name nothing for malformed input', () => {
    for (const input of ['', 'short', `${'A'.repeat(63)}=`, 'A'.repeat(65), `${'A'.repeat(63)}/`]) {
      expect(tokens.bookingOf(input)).toBeNull();
    }
  });
});
