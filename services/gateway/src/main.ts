import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import type { NestExpressApplication } from '@nestjs/platform-express';
import helmet from 'helmet';
import { Logger } from 'nestjs-pino';
import { GatewayModule } from './app.module';
import { loadGatewayConfig } from './config';
import { mountOpenApi } from './docs/openapi';
import { answerClientErrorsAsProblems } from './http/client-errors';
import { limitHeaderCount, refuseOversizedHeaders } from './http/header-limits';
import { assignRequestId } from './http/request-id.middleware';

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
  app.use(helmet());
  app.use(refuseOversizedHeaders);
  app.setGlobalPrefix('api/v1', { exclude: ['health/live', 'health/ready'] });
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
