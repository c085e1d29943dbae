import 'reflect-metadata';
import { NOTIFICATIONS_QUEUE } from '@slotbook/contracts';
import { bootService } from '@slotbook/service-kit';
import { NotificationsModule } from './app.module';
import { loadNotificationsConfig } from './config';

bootService({
  name: 'notifications',
  queue: NOTIFICATIONS_QUEUE,
  config: loadNotificationsConfig,
  module: (config) => NotificationsModule.forRoot(config),
});
