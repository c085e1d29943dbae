import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import { ReadFeedCommand, WebhooksCommand } from '@slotbook/contracts';
import { CommandRunner } from '@slotbook/messaging';
import { FeedService } from './feed.service';

@Controller()
export class FeedHandlers {
  constructor(
    private readonly runner: CommandRunner,
    private readonly feed: FeedService,
  ) {}

  @MessagePattern(WebhooksCommand.ReadFeed)
  read(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ReadFeedCommand, (command) =>
      this.feed.read(command.actor, command.query),
    );
  }
}
