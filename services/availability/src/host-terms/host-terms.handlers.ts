import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import { AvailabilityCommand, GetHostTermsCommand } from '@slotbook/contracts';
import { CommandRunner } from '@slotbook/messaging';
import { HostTermsService } from './host-terms.service';

@Controller()
export class HostTermsHandlers {
  constructor(
    private readonly runner: CommandRunner,
    private readonly terms: HostTermsService,
  ) {}

  @MessagePattern(AvailabilityCommand.GetHostTerms)
  get(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, GetHostTermsCommand, (command) =>
      this.terms.get(command),
    );
  }
}
