import { LoggerModule } from 'nestjs-pino';
import type { DynamicModule } from '@nestjs/common';
import { RequestContext } from './request-context';

/**
 * A request URL as it may be written down: the secret of a guest's manage link or of a host's
 * calendar feed (SPEC §5b, §6b) replaced by the route's parameter name.
 */
export function loggableUrl(url: string): string {
  return url.replace(/\/(manage|calendar)\/[^/?#]+/, (_, route: string) =>
    route === 'manage' ? '/manage/:token' : '/calendar/:token.ics',
  );
}

/**
 * pino JSON logs; every line inside a request or message carries its `requestId`. nestjs-pino's
 * per-request middleware (pino-http) is not mounted: it made two child loggers a request, about
 * a quarter of the gateway's CPU a request, and the request id comes from RequestContext here.
 * The gateway writes its request log itself (its `logRequests`).
 */
export function loggerModule(service: string, level: string): DynamicModule {
  return LoggerModule.forRoot({
    forRoutes: [],
    pinoHttp: {
      level,
      base: { service },
      messageKey: 'msg',
      mixin: () => {
        const requestId = RequestContext.requestId();
        return requestId ? { requestId } : {};
      },
    },
  });
}
