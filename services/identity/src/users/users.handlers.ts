import { Controller } from '@nestjs/common';
import {
  ChangeUserAccess,
  DomainError,
  ErrorCode,
  GetUser,
  GetUsers,
  ListUsers,
  UpdateProfile,
  type Actor,
} from '@slotbook/contracts';
import { Handles, type CommandOf } from '@slotbook/messaging';
import { UsersService } from './users.service';

/** Services re-check roles: the bus is not trusted to carry only what the gateway allowed. */
export function requireAdmin(actor: Actor): void {
  if (actor.role !== 'ADMIN')
    throw new DomainError(ErrorCode.Forbidden, 'only an admin may do this');
}

@Controller()
export class UsersHandlers {
  constructor(private readonly users: UsersService) {}

  @Handles(GetUser)
  get(command: CommandOf<typeof GetUser>) {
    return this.users.get(command.userId);
  }

  @Handles(GetUsers)
  async getMany(command: CommandOf<typeof GetUsers>) {
    return { data: await this.users.getMany(command.userIds) };
  }

  @Handles(UpdateProfile)
  updateProfile(command: CommandOf<typeof UpdateProfile>) {
    return this.users.updateProfile(command);
  }

  @Handles(ListUsers)
  async list(command: CommandOf<typeof ListUsers>) {
    requireAdmin(command.actor);
    return this.users.list(command.query);
  }

  @Handles(ChangeUserAccess)
  async changeAccess(command: CommandOf<typeof ChangeUserAccess>) {
    requireAdmin(command.actor);
    return this.users.changeAccess(command);
  }
}
