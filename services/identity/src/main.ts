import 'reflect-metadata';
import { IDENTITY_QUEUE } from '@slotbook/contracts';
import { bootService } from '@slotbook/service-kit';
import { IdentityModule } from './app.module';
import { loadIdentityConfig } from './config';

bootService({
  name: 'identity',
  queue: IDENTITY_QUEUE,
  config: loadIdentityConfig,
  module: (config) => IdentityModule.forRoot(config),
});
