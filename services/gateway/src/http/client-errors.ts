import { randomUUID } from 'node:crypto';
import type { Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { PROBLEM_TYPE_BASE } from '../problem/problem-details.filter';

export interface EarlyRefusal {
  status: number;
  title: string;
  detail: string;
}

export const HEADERS_TOO_LARGE = {
  status: 431,
  title: 'Request Header Fields Too Large',
} as const;

const ANSWERS: Record<string, EarlyRefusal> = {
  HPE_HEADER_OVERFLOW: {
    ...HEADERS_TOO_LARGE,
    detail: 'the request line and headers are larger than allowed',
  },
  ERR_HTTP_REQUEST_TIMEOUT: {
    status: 408,
    title: 'Request Timeout',
    detail: 'the request did not arrive in time',
  },
};

const MALFORMED = { status: 400, title: 'Bad Request', detail: 'the request is not valid HTTP' };

/** The problem+json body of a refusal made before the problem-details filter can run. */
export function earlyProblemBody({ status, title, detail }: EarlyRefusal): string {
  return JSON.stringify({
    type: `${PROBLEM_TYPE_BASE}${title.toLowerCase().replace(/\s+/g, '-')}`,
    title,
    status,
    detail,
  });
}

/**
 * Requests that Node's HTTP parser refuses before any route runs (headers over the limit, bytes
 * that are not HTTP) get a problem+json answer too, instead of Node's bare status line, with a
 * new `X-Request-Id`: the caller's is in headers the parser did not accept.
 */
export function answerClientErrorsAsProblems(server: Server): void {
  server.on('clientError', (error: NodeJS.ErrnoException, socket: Duplex) => {
    if (error.code === 'ECONNRESET' || !socket.writable) {
      socket.destroy();
      return;
    }
    const refusal = ANSWERS[error.code ?? ''] ?? MALFORMED;
    const body = earlyProblemBody(refusal);
    socket.end(
      `HTTP/1.1 ${refusal.status} ${refusal.title}\r\nContent-Type: application/problem+json\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nX-Request-Id: ${randomUUID()}\r\n` +
        `Connection: close\r\n\r\n${body}`,
    );
  });
}
