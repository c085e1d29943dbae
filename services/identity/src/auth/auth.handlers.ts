import { Controller } from '@nestjs/common';
import { LogIn, LogOut, RefreshSession, RegisterUser } from '@slotbook/contracts';
import { Handles, type CommandOf } from '@slotbook/messaging';
import { AuthService } from './auth.service';

@Controller()
export class AuthHandlers {
  constructor(private readonly auth: AuthService) {}

  @Handles(RegisterUser)
  register(command: CommandOf<typeof RegisterUser>) {
    return this.auth.register(command);
  }

  @Handles(LogIn)
  logIn(command: CommandOf<typeof LogIn>) {
    return this.auth.logIn(command);
  }

  @Handles(RefreshSession)
  refresh(command: CommandOf<typeof RefreshSession>) {
    return this.auth.refresh(command.refreshToken);
  }

  @Handles(LogOut)
  async logOut(command: CommandOf<typeof LogOut>) {
    await this.auth.logOut(command.refreshToken);
    return null;
  }
}
