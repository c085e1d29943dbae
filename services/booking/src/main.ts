import 'reflect-metadata';
import { BOOKING_QUEUE } from '@slotbook/contracts';
import { bootService } from '@slotbook/service-kit';
import { BookingModule } from './app.module';
import { loadBookingConfig } from './config';

bootService({
  name: 'booking',
  queue: BOOKING_QUEUE,
  config: loadBookingConfig,
  module: (config) => BookingModule.forRoot(config),
});
