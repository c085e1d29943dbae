import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import {
  AvailabilityCommand,
  CreateRangeCommand,
  DeleteRangeCommand,
  ListBookableRangesCommand,
  ListRangesCommand,
  UpdateRangeCommand,
} from '@slotbook/contracts';
import { CommandRunner } from '@slotbook/messaging';
import { RangesService } from './ranges.service';

@Controller()
export class RangesHandlers {
  constructor(
    private readonly runner: CommandRunner,
    private readonly ranges: RangesService,
  ) {}

  @MessagePattern(AvailabilityCommand.CreateRange)
  create(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, CreateRangeCommand, (command) =>
      this.ranges.create(command),
    );
  }

  @MessagePattern(AvailabilityCommand.ListRanges)
  list(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ListRangesCommand, (command) =>
      this.ranges.list(command),
    );
  }

  @MessagePattern(AvailabilityCommand.UpdateRange)
  update(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, UpdateRangeCommand, (command) =>
      this.ranges.update(command),
    );
  }

  @MessagePattern(AvailabilityCommand.DeleteRange)
  delete(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, DeleteRangeCommand, async (command) => {
      await this.ranges.delete(command);
      return null;
    });
  }

  @MessagePattern(AvailabilityCommand.ListBookableRanges)
  listBookable(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ListBookableRangesCommand, (command) =>
      this.ranges.listBookable(command),
    );
  }
}
