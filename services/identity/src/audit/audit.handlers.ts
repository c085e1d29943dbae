import { Controller } from '@nestjs/common';
import { ListAudit } from '@slotbook/contracts';
import { Handles, type CommandOf } from '@slotbook/messaging';
import { requireAdmin } from '../users/users.handlers';
import { AuditRepository } from './audit.repository';

@Controller()
export class AuditHandlers {
  constructor(private readonly audit: AuditRepository) {}

  @Handles(ListAudit)
  async list(command: CommandOf<typeof ListAudit>) {
    requireAdmin(command.actor);
    return this.audit.list(command.query);
  }
}
