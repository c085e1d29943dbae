import { Controller } from '@nestjs/common';
import { ReadFeed } from '@slotbook/contracts';
import { Handles, type CommandOf } from '@slotbook/messaging';
import { FeedService } from './feed.service';

@Controller()
export class FeedHandlers {
  constructor(private readonly feed: FeedService) {}

  @Handles(ReadFeed)
  read(command: CommandOf<typeof ReadFeed>) {
    return this.feed.read(command.actor, command.query);
  }
}
