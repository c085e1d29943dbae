import { Module } from '@nestjs/common';
import { EventsController } from './events.controller';
import { WebhooksController } from './webhooks.controller';

/** `/webhooks` and `/events`: SPEC §6a. */
@Module({
  controllers: [WebhooksController, EventsController],
})
export class WebhooksRoutesModule {}
