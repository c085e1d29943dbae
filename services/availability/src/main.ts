import 'reflect-metadata';
import { AVAILABILITY_QUEUE } from '@slotbook/contracts';
import { bootService } from '@slotbook/service-kit';
import { AvailabilityModule } from './app.module';
import { loadAvailabilityConfig } from './config';

bootService({
  name: 'availability',
  queue: AVAILABILITY_QUEUE,
  config: loadAvailabilityConfig,
  module: (config) => AvailabilityModule.forRoot(config),
});
