import type { IncomingMessage, ServerResponse } from 'node:http';
import { RequestContext, acceptRequestId } from '@slotbook/runtime';

/**
 * Accepts the caller's `X-Request-Id` (or makes one), returns it, and runs the request in its
 * context so every log line and outgoing message carries it. Mounted on the HTTP app before
 * anything else, so that answers Nest's router never sees (the OpenAPI document, paths outside
 * `/api/v1`) carry it too; the request logger takes it from `request.id`.
 */
export function assignRequestId(
  request: IncomingMessage & { id?: unknown },
  response: ServerResponse,
  next: () => void,
): void {
  const requestId = acceptRequestId(request.headers['x-request-id']);
  request.id = requestId;
  response.setHeader('X-Request-Id', requestId);
  RequestContext.run(requestId, next);
}
