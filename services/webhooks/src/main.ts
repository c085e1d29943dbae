import 'reflect-metadata';
import { WEBHOOKS_QUEUE } from '@slotbook/contracts';
import { startCommandService } from '@slotbook/messaging';
import { WebhooksModule } from './app.module';
import { loadWebhooksConfig } from './config';

async function main(): Promise<void> {
  const config = loadWebhooksConfig();
  await startCommandService({
    module: WebhooksModule.forRoot(config),
    amqpUrl: config.AMQP_URL,
    queue: WEBHOOKS_QUEUE,
    prefetchCount: config.PREFETCH_COUNT,
    port: config.PORT,
  });
}

void main().catch((error: unknown) => {
  process.stderr.write(
    `webhooks failed to start: ${error instanceof Error ? error.message : String(error)}\n`,
  );
  process.exit(1);
});
