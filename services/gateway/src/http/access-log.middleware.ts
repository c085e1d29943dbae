import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Logger } from 'pino';
import { loggableUrl } from '@slotbook/runtime';

/**
 * The request log: one line a request once its answer is sent (`request completed`, or
 * `request errored` for a 5xx) or its caller went away first (`request aborted`), with its id,
 * method, URL (secrets replaced: {@link loggableUrl}), status and time in ms. Health checks are
 * not logged. Mounted after the request id is assigned, before any router rewrites `url`;
 * `root` is nestjs-pino's root logger, which exists once the application is initialised.
 */
export function logRequests(root: () => Logger) {
  let logger: Logger | undefined;
  // The line's `req` and `res` are written as given, not as nestjs-pino's serializers read them.
  const log = () => (logger ??= root().child({}, { serializers: { req: asIs, res: asIs } }));
  return (
    request: IncomingMessage & { id?: unknown },
    response: ServerResponse,
    next: () => void,
  ): void => {
    const url = request.url ?? '';
    if (!url.startsWith('/health')) {
      const started = Date.now();
      response.once('close', () => {
        const sent = response.writableFinished;
        const line = {
          req: { id: request.id, method: request.method, url: loggableUrl(url) },
          res: { statusCode: sent ? response.statusCode : null },
          responseTime: Date.now() - started,
        };
        if (!sent) log().info(line, 'request aborted');
        else if (response.statusCode >= 500) log().error(line, 'request errored');
        else log().info(line, 'request completed');
      });
    }
    next();
  };
}

function asIs<T>(value: T): T {
  return value;
}
