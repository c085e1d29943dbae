import { Controller } from '@nestjs/common';
import {
  CreateRange,
  DeleteRange,
  ListBookableRanges,
  ListRanges,
  UpdateRange,
} from '@slotbook/contracts';
import { Handles, type CommandOf } from '@slotbook/messaging';
import { RangesService } from './ranges.service';

@Controller()
export class RangesHandlers {
  constructor(private readonly ranges: RangesService) {}

  @Handles(CreateRange)
  create(command: CommandOf<typeof CreateRange>) {
    return this.ranges.create(command);
  }

  @Handles(ListRanges)
  list(command: CommandOf<typeof ListRanges>) {
    return this.ranges.list(command);
  }

  @Handles(UpdateRange)
  update(command: CommandOf<typeof UpdateRange>) {
    return this.ranges.update(command);
  }

  @Handles(DeleteRange)
  async delete(command: CommandOf<typeof DeleteRange>) {
    await this.ranges.delete(command);
    return null;
  }

  @Handles(ListBookableRanges)
  listBookable(command: CommandOf<typeof ListBookableRanges>) {
    return this.ranges.listBookable(command);
  }
}
