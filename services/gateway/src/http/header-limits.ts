import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { HEADERS_TOO_LARGE, earlyProblemBody } from './client-errors';

/** The request line and header fields as sent, the blank line after them included. */
export const HEADER_BLOCK_LIMIT_BYTES = 16 * 1024;

/** Header fields of one request (Apache's default; a browser sends about twenty). */
export const HEADER_COUNT_LIMIT = 100;

/**
 * Node keeps at most `maxHeadersCount` fields of a request (2,000 by default) and silently drops
 * the rest; it keeps one more than the limit here, so that {@link refuseOversizedHeaders} sees a
 * request went over it without holding thousands of fields.
 */
export function limitHeaderCount(server: Server): void {
  server.maxHeadersCount = HEADER_COUNT_LIMIT + 1;
}

/**
 * The size of a request's line and header fields on the wire, each field counted as
 * `Name: value` and its line break. Node's own limit counts only the URL, names and values, so
 * two thousand short fields passed it. Node reads header bytes as latin1, one character each.
 */
export function headerBlockBytes(request: IncomingMessage): number {
  let bytes = `${request.method} ${request.url} HTTP/${request.httpVersion}\r\n\r\n`.length;
  const fields = request.rawHeaders;
  for (let i = 0; i + 1 < fields.length; i += 2) {
    bytes += fields[i].length + ': '.length + fields[i + 1].length + '\r\n'.length;
  }
  return bytes;
}

/**
 * Refuses, with a 431 problem, a request with more than {@link HEADER_COUNT_LIMIT} header fields
 * or a header block over {@link HEADER_BLOCK_LIMIT_BYTES}. Mounted before every route.
 */
export function refuseOversizedHeaders(
  request: IncomingMessage,
  response: ServerResponse,
  next: () => void,
): void {
  const tooMany = request.rawHeaders.length / 2 > HEADER_COUNT_LIMIT;
  if (!tooMany && headerBlockBytes(request) <= HEADER_BLOCK_LIMIT_BYTES) {
    next();
    return;
  }
  const body = earlyProblemBody({
    ...HEADERS_TOO_LARGE,
    detail: tooMany
      ? `the request has more than ${HEADER_COUNT_LIMIT} header fields`
      : `the request line and headers are larger than ${HEADER_BLOCK_LIMIT_BYTES / 1024} KiB`,
  });
  response.statusCode = HEADERS_TOO_LARGE.status;
  response.setHeader('Content-Type', 'application/problem+json');
  response.setHeader('Content-Length', Buffer.byteLength(body));
  response.setHeader('Connection', 'close');
  response.end(body);
}
