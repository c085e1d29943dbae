import 'reflect-metadata';
import { AVAILABILITY_QUEUE } from '@slotbook/contracts';
import { startCommandService } from '@slotbook/messaging';
import { AvailabilityModule } from './app.module';
import { loadAvailabilityConfig } from './config';

async function main(): Promise<void> {
  const config = loadAvailabilityConfig();
  await startCommandService({
    module: AvailabilityModule.forRoot(config),
    amqpUrl: config.AMQP_URL,
    queue: AVAILABILITY_QUEUE,
    prefetchCount: config.PREFETCH_COUNT,
    port: config.PORT,
  });
}

void main().catch((error: unknown) => {
  process.stderr.write(
    `availability failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
