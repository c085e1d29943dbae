import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Logger, PinoLogger } from 'nestjs-pino';
import { GatewayModule } from '../app.module';
import type { GatewayConfig } from '../config';
import { API_PREFIX, API_PREFIX_EXCLUDES, mountOpenApi } from '../docs/openapi';
import { serveWebApp } from '../web/serve-web-app';
import { logRequests } from './access-log.middleware';
import { answerClientErrorsAsProblems } from './client-errors';
import { limitHeaderCount, refuseOversizedHeaders } from './header-limits';
import { assignRequestId } from './request-id.middleware';

/** The public HTTP API and the web pages, in the order their middleware must run. */
export async function startGateway(config: GatewayConfig): Promise<void> {
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.TRUST_PROXY);
  app.disable('x-powered-by');
  // First of all, so that every answer carries X-Request-Id, refusals and the docs included.
  app.use(assignRequestId);
  app.use(logRequests(() => PinoLogger.root));
  // The docs page runs Swagger UI's inline scripts; everything else is JSON and gets the strict policy.
  app.use('/docs', helmet({ contentSecurityPolicy: false }));
  // The web pages (SPEC §10) come before the API's helmet: they carry a policy of their own.
  serveWebApp(app, config.WEB_ROOT);
  app.use(helmet());
  app.use(refuseOversizedHeaders);
  app.setGlobalPrefix(API_PREFIX, { exclude: API_PREFIX_EXCLUDES });
  app.enableShutdownHooks();
  mountOpenApi(app);
  limitHeaderCount(app.getHttpServer());
  answerClientErrorsAsProblems(app.getHttpServer());
  await app.listen(config.PORT);
}
