import 'reflect-metadata';
import { WEBHOOKS_QUEUE } from '@slotbook/contracts';
import { bootService } from '@slotbook/service-kit';
import { WebhooksModule } from './app.module';
import { loadWebhooksConfig } from './config';

bootService({
  name: 'webhooks',
  queue: WEBHOOKS_QUEUE,
  config: loadWebhooksConfig,
  module: (config) => WebhooksModule.forRoot(config),
});
