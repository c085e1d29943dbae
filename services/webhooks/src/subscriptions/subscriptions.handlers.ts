import { Controller } from '@nestjs/common';
import {
  CreateWebhook,
  DeleteWebhook,
  GetWebhook,
  ListWebhooks,
  RotateWebhookSecret,
  UpdateWebhook,
} from '@slotbook/contracts';
import { Handles, type CommandOf } from '@slotbook/messaging';
import { SubscriptionsService } from './subscriptions.service';

@Controller()
export class SubscriptionsHandlers {
  constructor(private readonly subscriptions: SubscriptionsService) {}

  // Not run twice: a second run would create a second subscription with another secret.
  @Handles(CreateWebhook, { retry: false })
  create(command: CommandOf<typeof CreateWebhook>) {
    return this.subscriptions.create(command);
  }

  @Handles(ListWebhooks)
  list(command: CommandOf<typeof ListWebhooks>) {
    return this.subscriptions.list(command.actor, command.query);
  }

  @Handles(GetWebhook)
  get(command: CommandOf<typeof GetWebhook>) {
    return this.subscriptions.get(command.actor, command.webhookId);
  }

  @Handles(UpdateWebhook)
  update(command: CommandOf<typeof UpdateWebhook>) {
    return this.subscriptions.update(command.actor, command.webhookId, command.changes);
  }

  @Handles(DeleteWebhook)
  async delete(command: CommandOf<typeof DeleteWebhook>) {
    await this.subscriptions.delete(command.actor, command.webhookId);
    return null;
  }

  // Not run twice: a second run would replace the secret the caller is about to be shown.
  @Handles(RotateWebhookSecret, { retry: false })
  rotate(command: CommandOf<typeof RotateWebhookSecret>) {
    return this.subscriptions.rotateSecret(command.actor, command.webhookId);
  }
}
