import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { GatewayModule } from './app.module';
import { loadGatewayConfig } from './config';
import { API_PREFIX, API_PREFIX_EXCLUDES, mountOpenApi } from './docs/openapi';
import { answerClientErrorsAsProblems } from './http/client-errors';
import { limitHeaderCount, refuseOversizedHeaders } from './http/header-limits';
import { assignRequestId } from './http/request-id.middleware';
import { serveWebApp } from './web/serve-web-app';

async function main(): Promise<void> {
  const config = loadGatewayConfig();
  const app = await NestFactory.create<NestExpressApplication>(GatewayModule.forRoot(config), {
    bufferLogs: true,
    bodyParser: false,
  });
  app.useLogger(app.get(Logger));
  app.set('trust proxy', config.TRUST_PROXY);
  app.disable('x-powered-by');
  // First of all, so that every answer carries X-Request-Id, refusals and the docs included.
  app.use(assignRequestId);
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

void main().catch((error: unknown) => {
  process.stderr.write(
    `gateway failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
