import {
  Logger as NestLogger,
  type INestApplication,
  type DynamicModule,
  type Type,
} from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { Logger } from 'nestjs-pino';
import { commandServerOptions, prepareCommandQueue } from './command-server';

export interface CommandServiceOptions {
  module: DynamicModule | Type<unknown>;
  amqpUrl: string;
  queue: string;
  prefetchCount: number;
  port: number;
}

/**
 * Starts a command-handling service: HTTP for health (metrics have a port of their own, see
 * the runtime's MetricsModule), and a consumer on its command queue. SIGTERM/SIGINT close it gracefully (see each service's shutdown hooks).
 */
export async function startCommandService(
  options: CommandServiceOptions,
): Promise<INestApplication> {
  await prepareCommandQueue(options.amqpUrl, options.queue);
  const app = await NestFactory.create(options.module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.connectMicroservice(
    commandServerOptions(options.amqpUrl, options.queue, options.prefetchCount),
    {
      inheritAppConfig: true,
    },
  );
  await app.startAllMicroservices();
  await app.listen(options.port);
  new NestLogger('Bootstrap').log(`listening on :${options.port}, consuming ${options.queue}`);
  return app;
}
