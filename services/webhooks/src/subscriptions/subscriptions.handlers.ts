import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import {
  CreateWebhookCommand,
  ListWebhooksCommand,
  UpdateWebhookCommand,
  WebhookActionCommand,
  WebhooksCommand,
} from '@slotbook/contracts';
import { CommandRunner } from '@slotbook/messaging';
import { SubscriptionsService } from './subscriptions.service';

@Controller()
export class SubscriptionsHandlers {
  constructor(
    private readonly runner: CommandRunner,
    private readonly subscriptions: SubscriptionsService,
  ) {}

  @MessagePattern(WebhooksCommand.CreateWebhook)
  create(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    // Not run twice: a second run would create a second subscription with another secret.
    return this.runner.run(
      context,
      payload,
      CreateWebhookCommand,
      (command) => this.subscriptions.create(command),
      { retry: false },
    );
  }

  @MessagePattern(WebhooksCommand.ListWebhooks)
  list(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ListWebhooksCommand, (command) =>
      this.subscriptions.list(command.actor, command.query),
    );
  }

  @MessagePattern(WebhooksCommand.GetWebhook)
  get(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, WebhookActionCommand, (command) =>
      this.subscriptions.get(command.actor, command.webhookId),
    );
  }

  @MessagePattern(WebhooksCommand.UpdateWebhook)
  update(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, UpdateWebhookCommand, (command) =>
      this.subscriptions.update(command.actor, command.webhookId, command.changes),
    );
  }

  @MessagePattern(WebhooksCommand.DeleteWebhook)
  delete(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, WebhookActionCommand, async (command) => {
      await this.subscriptions.delete(command.actor, command.webhookId);
      return null;
    });
  }

  @MessagePattern(WebhooksCommand.RotateWebhookSecret)
  rotate(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    // Not run twice: a second run would replace the secret the caller is about to be shown.
    return this.runner.run(
      context,
      payload,
      WebhookActionCommand,
      (command) => this.subscriptions.rotateSecret(command.actor, command.webhookId),
      { retry: false },
    );
  }
}
