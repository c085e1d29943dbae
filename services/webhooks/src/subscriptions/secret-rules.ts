import { randomBytes } from 'node:crypto';
import { DAY_MS } from '@slotbook/scheduling';

/** A signing secret of a subscription; `expiresAt` is set once a rotation replaced it. */
export interface SigningSecret {
  value: string;
  expiresAt: Date | null;
}

/** How long a replaced secret keeps signing beside its successor (SPEC §6a). */
export const ROTATION_OVERLAP_MS = DAY_MS;

/** 32 random bytes, URL-safe, recognisable. */
export function newSecret(): string {
  return `whsec_${randomBytes(32).toString('base64url')}`;
}

/** The secrets that sign a delivery at `now`: the current one first, then one being replaced. */
export function liveSecrets(secrets: SigningSecret[], now: Date): string[] {
  return secrets
    .filter((secret) => secret.expiresAt === null || secret.expiresAt.getTime() > now.getTime())
    .map((secret) => secret.value);
}

/**
 * A rotation: `next` becomes the current secret; the one it replaces signs beside it for 24 h.
 * A secret replaced earlier is dropped, so at most two ever sign.
 */
export function rotate(secrets: SigningSecret[], next: string, now: Date): SigningSecret[] {
  const current = secrets.find((secret) => secret.expiresAt === null);
  return [
    { value: next, expiresAt: null },
    ...(current
      ? [{ value: current.value, expiresAt: new Date(now.getTime() + ROTATION_OVERLAP_MS) }]
      : []),
  ];
}
