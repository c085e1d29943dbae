import { Inject, Injectable, type NestMiddleware } from '@nestjs/common';
import { DomainError } from '@slotbook/contracts';
import express, { type NextFunction, type Request, type Response } from 'express';
import { GATEWAY_CONFIG, type GatewayConfig } from '../config';

/** Where in a parsed JSON value a string (or key) holds U+0000, as a dotted path; or null. */
export function pathOfNul(value: unknown, path = ''): string | null {
  if (typeof value === 'string') return value.includes('\0') ? path || '(body)' : null;
  if (typeof value !== 'object' || value === null) return null;
  for (const [key, item] of Object.entries(value)) {
    const itemPath = path ? `${path}.${key}` : key;
    if (key.includes('\0')) return itemPath;
    const found = pathOfNul(item, itemPath);
    if (found !== null) return found;
  }
  return null;
}

/**
 * Parses JSON bodies as a Nest middleware, so that malformed JSON (400) and bodies over the
 * limit (413) reach the problem-details filter like every other error. It also refuses the NUL
 * character (U+0000) in the URL and in any text or key of the body (422, naming the field): it is
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
    const nulAt = pathOfNul(request.body);
    if (nulAt !== null) {
      const message = 'must not contain the NUL character (U+0000)';
      throw DomainError.validation(`${nulAt} ${message}`, [{ path: nulAt, message }]);
    }
    next();
  }
}
