import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import {
  IdentityCommand,
  LogInCommand,
  LogOutCommand,
  RefreshSessionCommand,
  RegisterUserCommand,
} from '@slotbook/contracts';
import { CommandRunner } from '@slotbook/messaging';
import { AuthService } from './auth.service';

@Controller()
export class AuthHandlers {
  constructor(
    private readonly runner: CommandRunner,
    private readonly auth: AuthService,
  ) {}

  @MessagePattern(IdentityCommand.RegisterUser)
  register(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, RegisterUserCommand, (command) =>
      this.auth.register(command),
    );
  }

  @MessagePattern(IdentityCommand.LogIn)
  logIn(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, LogInCommand, (command) => this.auth.logIn(command));
  }

  @MessagePattern(IdentityCommand.RefreshSession)
  refresh(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, RefreshSessionCommand, (command) =>
      this.auth.refresh(command.refreshToken),
    );
  }

  @MessagePattern(IdentityCommand.LogOut)
  logOut(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, LogOutCommand, async (command) => {
      await this.auth.logOut(command.refreshToken);
      return null;
    });
  }
}
