import { createHmac, timingSafeEqual } from 'node:crypto';

/** The headers of every webhook delivery (SPEC §6a). */
export const WebhookHeader = {
  EventId: 'Slotbook-Event-Id',
  EventType: 'Slotbook-Event-Type',
  DeliveryId: 'Slotbook-Delivery-Id',
  Signature: 'Slotbook-Signature',
} as const;

/** How far a receiver should let a signature's `t` be from its own clock, by default. */
export const SIGNATURE_TOLERANCE_SECONDS = 300;

/** Hex HMAC-SHA256 of `"<t>.<raw body>"` under one secret. */
export function signatureOf(secret: string, timestamp: number, body: string): string {
  return createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex');
}

/**
 * The `Slotbook-Signature` header: `t=<unix seconds>,v1=<hex>` with one `v1=` per live secret
 * (two during a rotation's overlap), in the order given.
 */
export function signatureHeader(secrets: string[], timestamp: number, body: string): string {
  return [
    `t=${timestamp}`,
    ...secrets.map((secret) => `v1=${signatureOf(secret, timestamp, body)}`),
  ].join(',');
}

export type SignatureCheck =
  { valid: true; timestamp: number } | { valid: false; reason: 'malformed' | 'stale' | 'mismatch' };

/**
 * What a receiver does: parses the header, refuses a `t` further than `toleranceSeconds` from
 * `now` (a replayed delivery), and accepts when any `v1=` equals the HMAC of `"<t>.<body>"`
 * under `secret`, compared in constant time.
 */
export function verifySignature(
  header: string,
  secret: string,
  body: string,
  { now = Date.now(), toleranceSeconds = SIGNATURE_TOLERANCE_SECONDS } = {},
): SignatureCheck {
  let timestamp: number | undefined;
  const candidates: string[] = [];
  for (const part of header.split(',')) {
    const at = part.indexOf('=');
    const key = part.slice(0, at).trim();
    const value = part.slice(at + 1).trim();
    if (key === 't' && /^\d{1,12}$/.test(value)) timestamp = Number(value);
    else if (key === 'v1' && /^[0-9a-f]{64}$/.test(value)) candidates.push(value);
  }
  if (timestamp === undefined || candidates.length === 0)
    return { valid: false, reason: 'malformed' };
  if (Math.abs(now / 1000 - timestamp) > toleranceSeconds) return { valid: false, reason: 'stale' };
  const expected = Buffer.from(signatureOf(secret, timestamp, body), 'hex');
  const matches = candidates.some((candidate) =>
    timingSafeEqual(Buffer.from(candidate, 'hex'), expected),
  );
  return matches ? { valid: true, timestamp } : { valid: false, reason: 'mismatch' };
}
