import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';
import { RequestContext, acceptRequestId } from './request-context';

/**
 * A request URL as it may be written down: the secret of a guest's manage link or of a host's
 * calendar feed (SPEC §5b, §6b) replaced by the route's parameter name.
 */
export function loggableUrl(url: string): string {
  return url.replace(/\/(manage|calendar)\/[^/?#]+/, (_, route: string) =>
    route === 'manage' ? '/manage/:token' : '/calendar/:token.ics',
  );
}

/** pino JSON logs; every line inside a request or message carries its `requestId`. */
export function loggerModule(service: string, level: string): DynamicModule {
  return LoggerModule.forRoot({
    pinoHttp: {
      level,
      base: { service },
      messageKey: 'msg',
      mixin: () => {
        const requestId = RequestContext.requestId();
        return requestId ? { requestId } : {};
      },
      genReqId: (req, res) => {
        const id = acceptRequestId(req.headers['x-request-id']);
        res.setHeader('X-Request-Id', id);
        return id;
      },
      customProps: () => ({}),
      autoLogging: {
        ignore: (req) => (req.url ?? '').startsWith('/health'),
      },
      redact: ['req.headers.authorization', 'req.headers.cookie'],
      serializers: {
        req: (req: { id: string; method: string; url: string }) => ({
          id: req.id,
          method: req.method,
          url: loggableUrl(req.url),
        }),
        res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
      },
    },
  });
}
