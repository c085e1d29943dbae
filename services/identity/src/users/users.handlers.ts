import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import {
  ChangeUserAccessCommand,
  DomainError,
  ErrorCode,
  GetUserCommand,
  IdentityCommand,
  ListUsersCommand,
  UpdateProfileCommand,
  type Actor,
} from '@slotbook/contracts';
import { CommandRunner } from '@slotbook/messaging';
import { UsersService } from './users.service';

/** Services re-check roles: the bus is not trusted to carry only what the gateway allowed. */
export function requireAdmin(actor: Actor): void {
  if (actor.role !== 'ADMIN')
    throw new DomainError(ErrorCode.Forbidden, 'only an admin may do this');
}

@Controller()
export class UsersHandlers {
  constructor(
    private readonly runner: CommandRunner,
    private readonly users: UsersService,
  ) {}

  @MessagePattern(IdentityCommand.GetUser)
  get(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, GetUserCommand, (command) =>
      this.users.get(command.userId),
    );
  }

  @MessagePattern(IdentityCommand.UpdateProfile)
  updateProfile(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, UpdateProfileCommand, (command) =>
      this.users.updateProfile(command),
    );
  }

  @MessagePattern(IdentityCommand.ListUsers)
  list(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ListUsersCommand, async (command) => {
      requireAdmin(command.actor);
      return this.users.list(command.query);
    });
  }

  @MessagePattern(IdentityCommand.ChangeUserAccess)
  changeAccess(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ChangeUserAccessCommand, async (command) => {
      requireAdmin(command.actor);
      return this.users.changeAccess(command);
    });
  }
}
