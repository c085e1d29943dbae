import 'reflect-metadata';
import { IDENTITY_QUEUE } from '@slotbook/contracts';
import { startCommandService } from '@slotbook/messaging';
import { IdentityModule } from './app.module';
import { loadIdentityConfig } from './config';

async function main(): Promise<void> {
  const config = loadIdentityConfig();
  await startCommandService({
    module: IdentityModule.forRoot(config),
    amqpUrl: config.AMQP_URL,
    queue: IDENTITY_QUEUE,
    prefetchCount: config.PREFETCH_COUNT,
    port: config.PORT,
  });
}

void main().catch((error: unknown) => {
  process.stderr.write(
    `identity failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
