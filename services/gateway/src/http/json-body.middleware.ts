import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { DomainError } from '@slotbook/contracts';
import express, { type NextFunction, type Request, type Response } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/** How deep a body may nest arrays and objects; no body of this API needs more than a few. */
export const MAX_BODY_DEPTH = 64;

/** What makes a parsed JSON body unfit to reach validation. */
export type BodyFlaw = { kind: 'too-deep' } | { kind: 'nul'; path: string };

/**
 * The first flaw of a parsed JSON value, in document order: an array or object nested more than
 * `maxDepth` levels, or U+0000 in a string or key (its dotted path). The walk keeps its own stack:
 * recursion would let the body's depth decide the depth of ours, and a deep enough body would
 * overflow it.
 */
export function flawOfBody(body: unknown, maxDepth = MAX_BODY_DEPTH): BodyFlaw | null {
  const pending = [{ value: body, key: '', path: '', depth: 0 }];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value, key, path, depth } = next;
    if (key.includes('\0')) return { kind: 'nul', path };
    if (typeof value === 'string') {
      if (value.includes('\0')) return { kind: 'nul', path: path || '(body)' };
      continue;
    }
    if (typeof value !== 'object' || value === null) continue;
    if (depth >= maxDepth) return { kind: 'too-deep' };
    const entries = Object.entries(value);
    // Pushed last to first, so the first member is looked at first.
    for (let i = entries.length - 1; i >= 0; i -= 1) {
      const [itemKey, item] = entries[i];
      pending.push({
        value: item,
        key: itemKey,
        path: path ? `${path}.${itemKey}` : itemKey,
        depth: depth + 1,
      });
    }
  }
  return null;
}

/**
 * Parses JSON bodies as a Nest middleware, so that malformed JSON (400) and bodies over the
 * limit (413) reach the problem-details filter like every other error. Before any route or
 * validation sees a body it refuses (422) one nested deeper than {@link MAX_BODY_DEPTH}, and the
 * NUL character (U+0000) in the URL and in any text or key of the body, naming the field: NUL is
 * never meaningful text, and the stores refuse it (PostgreSQL's jsonb under devdb), which would
 * otherwise surface as a 503 after retries.
 */
@Injectable()
export class JsonBodyMiddleware implements NestMiddleware {
  private readonly parse: ReturnType<typeof express.json>;

  constructor(@Inject(GATEWAY_CONFIG) config: GatewayConfig) {
    this.parse = express.json({
      limit: config.BODY_LIMIT,
      strict: false,
      type: ['application/json', 'application/*+json'],
    });
  }

  async use(request: Request, response: Response, next: NextFunction): Promise<void> {
    if (/%00/.test(request.originalUrl) || request.originalUrl.includes('\0')) {
      throw DomainError.validation('the URL must not contain the NUL character (%00)');
    }
    await new Promise<void>((resolve, reject) => {
      this.parse(request, response, (error?: unknown) => (error ? reject(error) : resolve()));
    });
    // A POST without a body (e.g. /cancel with no reason) is an empty object, not a type error.
    if (request.body === undefined && ['POST', 'PATCH', 'PUT'].includes(request.method))
      request.body = {};
    const flaw = flawOfBody(request.body);
    if (flaw?.kind === 'too-deep') {
      throw DomainError.validation(
        `the body nests arrays and objects more than ${MAX_BODY_DEPTH} levels deep`,
      );
    }
    if (flaw?.kind === 'nul') {
      const message = 'must not contain the NUL character (U+0000)';
      throw DomainError.validation(`${flaw.path} ${message}`, [{ path: flaw.path, message }]);
    }
    next();
  }
}
