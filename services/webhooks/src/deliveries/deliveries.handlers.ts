import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import {
  ListDeliveriesCommand,
  RedeliverDeliveryCommand,
  WebhookActionCommand,
  WebhooksCommand,
} from '@slotbook/contracts';
import { CommandRunner } from '@slotbook/messaging';
import { DeliveriesService } from './deliveries.service';

@Controller()
export class DeliveriesHandlers {
  constructor(
    private readonly runner: CommandRunner,
    private readonly deliveries: DeliveriesService,
  ) {}

  @MessagePattern(WebhooksCommand.ListDeliveries)
  list(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ListDeliveriesCommand, (command) =>
      this.deliveries.list(command.actor, command.webhookId, command.query),
    );
  }

  @MessagePattern(WebhooksCommand.RedeliverDelivery)
  redeliver(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, RedeliverDeliveryCommand, (command) =>
      this.deliveries.redeliver(command.actor, command.webhookId, command.deliveryId),
    );
  }

  @MessagePattern(WebhooksCommand.PingWebhook)
  ping(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, WebhookActionCommand, (command) =>
      this.deliveries.ping(command.actor, command.webhookId),
    );
  }
}
