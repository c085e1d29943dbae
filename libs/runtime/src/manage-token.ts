import { createHmac, timingSafeEqual } from 'node:crypto';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const ID_BYTES = 16;
const MAC_BYTES = 32;
const TOKEN = /^[A-Za-z0-9_-]{64}$/;

/**
 * Development and test default of MANAGE_TOKEN_SECRET: fixed, so that the gateways and the
 * notifications service of one development platform make the same links. Production must set
 * its own.
 */
export const DEVELOPMENT_MANAGE_TOKEN_SECRET =
  'slotbook-development-manage-secret-not-for-production';

/**
 * A guest booking's manage link (SPEC §5b): the booking's id (a UUID, 16 bytes) and an
 * HMAC-SHA256 of it under a secret (256 bits), base64url — 64 characters. It is checked by
 * recomputing the MAC, in constant time, with nothing stored: the same booking always has the
 * same token (a replayed create answers it again, a reschedule keeps it). How long it works is
 * the booking's rule (30 days after its end), decided where the booking is. Only the holders of
 * the secret make it (the gateway, and notifications for the mail's link), each from the
 * booking id: the token itself never crosses the broker.
 */
export class ManageTokenCodec {
  private readonly secret: Buffer;

  constructor(secret: string) {
    this.secret = Buffer.from(secret, 'utf8');
  }

  tokenOf(bookingId: string): string {
    if (!UUID.test(bookingId)) throw new Error('a manage token is made for a booking UUID only');
    const id = Buffer.from(bookingId.replaceAll('-', ''), 'hex');
    return Buffer.concat([id, this.mac(id)]).toString('base64url');
  }

  /** The booking id a token was made for, or null for anything not made with this secret. */
  bookingOf(token: string): string | null {
    if (!TOKEN.test(token)) return null;
    const bytes = Buffer.from(token, 'base64url');
    if (bytes.length !== ID_BYTES + MAC_BYTES) return null;
    const id = bytes.subarray(0, ID_BYTES);
    if (!timingSafeEqual(bytes.subarray(ID_BYTES), this.mac(id))) return null;
    const hex = id.toString('hex');
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
  }

  private mac(id: Buffer): Buffer {
    return createHmac('sha256', this.secret).update('manage-link:').update(id).digest();
  }
}
