import { Logger as NestLogger, type DynamicModule } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { commandServerOptions, prepareCommandQueue } from '@slotbook/messaging';
import { Logger } from 'nestjs-pino';

/** What the kit reads of a command service's config to start it. */
export interface BootConfig {
  AMQP_URL: string;
  PREFETCH_COUNT: number;
  PORT: number;
}

/** A service that handles commands: its module, health over HTTP, a consumer on its queue. */
export interface CommandServiceBoot<C extends BootConfig> {
  /** For the one line printed when the service cannot start. */
  name: string;
  /** Parses the environment; a bad value stops the process naming the variable. */
  config: () => C;
  /** The service's command queue. */
  queue: string;
  module: (config: C) => DynamicModule;
}

/** A service that starts itself once its config is parsed (the gateway's HTTP API). */
export interface OwnStartBoot<C> {
  name: string;
  config: () => C;
  start: (config: C) => Promise<void>;
}

/**
 * Every service's `main`: its config, then the service; a failure to start prints one line
 * naming the service and exits. A command service's start-up and shutdown order are its
 * module's {@link ServiceLifecycle}; SIGTERM and SIGINT close it gracefully.
 */
export function bootService<C extends BootConfig>(boot: CommandServiceBoot<C>): void;
export function bootService<C>(boot: OwnStartBoot<C>): void;
export function bootService(boot: CommandServiceBoot<BootConfig> | OwnStartBoot<unknown>): void {
  const start = async () => {
    if ('start' in boot) return boot.start(boot.config());
    const config = boot.config();
    await startCommandService(boot.module(config), boot.queue, config);
  };
  void start().catch((error: unknown) => {
    process.stderr.write(
      `${boot.name} failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}

/** Health over HTTP (metrics have a port of their own) and a consumer on the command queue. */
async function startCommandService(
  module: DynamicModule,
  queue: string,
  config: BootConfig,
): Promise<void> {
  await prepareCommandQueue(config.AMQP_URL, queue);
  const app = await NestFactory.create(module, { bufferLogs: true });
  app.useLogger(app.get(Logger));
  app.enableShutdownHooks();
  app.connectMicroservice(commandServerOptions(config.AMQP_URL, queue, config.PREFETCH_COUNT), {
    inheritAppConfig: true,
  });
  await app.startAllMicroservices();
  await app.listen(config.PORT);
  new NestLogger('Bootstrap').log(`listening on :${config.PORT}, consuming ${queue}`);
}
