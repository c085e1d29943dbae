import { Controller } from '@nestjs/common';
import { ListDeliveries, PingWebhook, RedeliverDelivery } from '@slotbook/contracts';
import { Handles, type CommandOf } from '@slotbook/messaging';
import { DeliveriesService } from './deliveries.service';

@Controller()
export class DeliveriesHandlers {
  constructor(private readonly deliveries: DeliveriesService) {}

  @Handles(ListDeliveries)
  list(command: CommandOf<typeof ListDeliveries>) {
    return this.deliveries.list(command.actor, command.webhookId, command.query);
  }

  @Handles(RedeliverDelivery)
  redeliver(command: CommandOf<typeof RedeliverDelivery>) {
    return this.deliveries.redeliver(command.actor, command.webhookId, command.deliveryId);
  }

  @Handles(PingWebhook)
  ping(command: CommandOf<typeof PingWebhook>) {
    return this.deliveries.ping(command.actor, command.webhookId);
  }
}
