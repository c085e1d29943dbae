import { Inject, Injectable } from '@nestjs/common';
import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import { DomainError, type Actor, type Page } from '@slotbook/contracts';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

const VERSION = 'c1';
const IV_BYTES = 12;
const TAG_BYTES = 16;

/** What a cursor is bound to: the list it came from, the filter, and who asked. */
export interface CursorScope {
  /** The route, e.g. `GET /bookings`. */
  route: string;
  actor: Actor;
  /** The parsed query without `cursor` and `limit`. */
  filter: Record<string, unknown>;
}

/**
 * The `nextCursor` a client sees: the service's own cursor sealed with AES-256-GCM under a key
 * derived from CURSOR_SECRET, with the route, the caller and the normalised filter as
 * associated data. Sealed, it is opaque (the keyset position is not readable) and
 * tamper-evident; a forged cursor, one of another list or filter, or one of another caller
 * does not open (422 naming `cursor`). The services' cursors pass through unchanged.
 */
@Injectable()
export class PageCursors {
  private readonly key: Buffer;

  constructor(@Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'CURSOR_SECRET'>) {
    this.key = Buffer.from(
      hkdfSync('sha256', config.CURSOR_SECRET, 'slotbook', 'page-cursor v1', 32),
    );
  }

  /** Opens the client's cursor, runs the list with the service's cursor, seals the next one. */
  async page<T>(
    scope: CursorScope,
    cursor: string | undefined,
    list: (innerCursor: string | undefined) => Promise<Page<T>>,
  ): Promise<Page<T>> {
    const page = await list(cursor === undefined ? undefined : this.open(scope, cursor));
    return {
      ...page,
      nextCursor: page.nextCursor === null ? null : this.seal(scope, page.nextCursor),
    };
  }

  seal(scope: CursorScope, inner: string): string {
    const iv = randomBytes(IV_BYTES);
    const cipher = createCipheriv('aes-256-gcm', this.key, iv);
    cipher.setAAD(associatedData(scope));
    const sealed = Buffer.concat([
      iv,
      cipher.update(inner, 'utf8'),
      cipher.final(),
      cipher.getAuthTag(),
    ]);
    return `${VERSION}.${sealed.toString('base64url')}`;
  }

  open(scope: CursorScope, cursor: string): string {
    const [version, body, ...rest] = cursor.split('.');
    const sealed = body === undefined ? Buffer.alloc(0) : Buffer.from(body, 'base64url');
    if (version !== VERSION || rest.length > 0 || sealed.length <= IV_BYTES + TAG_BYTES)
      throw invalidCursor();
    try {
      const decipher = createDecipheriv('aes-256-gcm', this.key, sealed.subarray(0, IV_BYTES));
      decipher.setAAD(associatedData(scope));
      decipher.setAuthTag(sealed.subarray(sealed.length - TAG_BYTES));
      return Buffer.concat([
        decipher.update(sealed.subarray(IV_BYTES, sealed.length - TAG_BYTES)),
        decipher.final(),
      ]).toString('utf8');
    } catch {
      throw invalidCursor();
    }
  }
}

/** The query of a list without its paging parameters: what its cursors are bound to. */
export function filterOf(query: object): Record<string, unknown> {
  const { cursor: _cursor, limit: _limit, ...filter } = query as Record<string, unknown>;
  return filter;
}

function associatedData(scope: CursorScope): Buffer {
  return Buffer.from(
    JSON.stringify([VERSION, scope.route, scope.actor.id, normalised(scope.filter)]),
  );
}

/** Sorted keys, no absent values, instants as ISO strings: equal filters bind equally. */
function normalised(filter: Record<string, unknown>): Array<[string, unknown]> {
  return Object.keys(filter)
    .filter((key) => filter[key] !== undefined)
    .sort()
    .map((key) => {
      const value = filter[key];
      return [key, value instanceof Date ? value.toISOString() : value];
    });
}

function invalidCursor(): DomainError {
  return DomainError.validation('the cursor is invalid', [
    { path: 'cursor', message: 'is not a cursor this list issued for this query' },
  ]);
}
