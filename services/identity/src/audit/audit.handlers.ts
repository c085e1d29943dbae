import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import { IdentityCommand, ListAuditCommand } from '@slotbook/contracts';
import { CommandRunner } from '@slotbook/messaging';
import { requireAdmin } from '../users/users.handlers';
import { AuditRepository } from './audit.repository';

@Controller()
export class AuditHandlers {
  constructor(
    private readonly runner: CommandRunner,
    private readonly audit: AuditRepository,
  ) {}

  @MessagePattern(IdentityCommand.ListAudit)
  list(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ListAuditCommand, async (command) => {
      requireAdmin(command.actor);
      return this.audit.list(command.query);
    });
  }
}
