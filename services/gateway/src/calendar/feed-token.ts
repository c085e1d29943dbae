import { createHash, randomBytes } from 'node:crypto';

/** 256 random bits, base64url: 43 characters, safe in a URL path. */
export function newFeedToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Only a token of this shape can be a feed's; anything else is unknown without asking. */
export function isFeedTokenShaped(token: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(token);
}

/**
 * What crosses the bus and is stored in place of the token: its SHA-256, hex. A token is 256
 * random bits, so its hash needs no salt or stretching to stay unguessable.
 */
export function feedTokenHash(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
