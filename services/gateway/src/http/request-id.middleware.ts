import { Injectable, type NestMiddleware } from '@nestjs/common';
import type { NextFunction, Request, Response } from 'express';
import { RequestContext, acceptRequestId } from '@slotbook/runtime';

/**
 * Accepts the caller's `X-Request-Id` (or makes one), returns it, and runs the request in its
 * context so every log line and outgoing message carries it.
 */
@Injectable()
export class RequestIdMiddleware implements NestMiddleware {
  use(request: Request & { id?: unknown }, response: Response, next: NextFunction): void {
    const requestId =
      typeof request.id === 'string'
        ? request.id
        : acceptRequestId(request.headers['x-request-id']);
    response.setHeader('X-Request-Id', requestId);
    RequestContext.run(requestId, next);
  }
}
