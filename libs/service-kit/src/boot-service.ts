import type { DynamicModule } from '@nestjs/common';
import { startCommandService } from '@slotbook/messaging';

/** What the kit reads of a service's config to start it. */
export interface BootConfig {
  AMQP_URL: string;
  PREFETCH_COUNT: number;
  PORT: number;
}

export interface ServiceBoot<C extends BootConfig> {
  /** For the one line printed when the service cannot start. */
  name: string;
  /** The service's command queue. */
  queue: string;
  /** Parses the environment; a bad value stops the process naming the variable. */
  config: () => C;
  module: (config: C) => DynamicModule;
}

/**
 * A command service's `main`: its config, then its module with health over HTTP and a consumer
 * on its command queue. Start-up and shutdown order are the module's {@link ServiceLifecycle}.
 */
export function bootService<C extends BootConfig>(boot: ServiceBoot<C>): void {
  void start(boot).catch((error: unknown) => {
    process.stderr.write(
      `${boot.name} failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exit(1);
  });
}

async function start<C extends BootConfig>(boot: ServiceBoot<C>): Promise<void> {
  const config = boot.config();
  await startCommandService({
    module: boot.module(config),
    amqpUrl: config.AMQP_URL,
    queue: boot.queue,
    prefetchCount: config.PREFETCH_COUNT,
    port: config.PORT,
  });
}
