import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { IDENTITY_QUEUE, IdentityCommand, type Actor, type User } from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { CurrentActor } from '../auth/auth.decorators';
import { UpdateMeDto, UserDto } from './identity.dtos';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(private readonly bus: CommandBus) {}

  @Get('me')
  @ApiOkResponse({ type: UserDto })
  me(@CurrentActor() actor: Actor): Promise<User> {
    return this.bus.send(IDENTITY_QUEUE, IdentityCommand.GetUser, { userId: actor.id });
  }

  @Patch('me')
  @ApiOkResponse({ type: UserDto, description: 'changing the password ends every other session' })
  update(@CurrentActor() actor: Actor, @Body() body: UpdateMeDto): Promise<User> {
    return this.bus.send(IDENTITY_QUEUE, IdentityCommand.UpdateProfile, { actor, changes: body });
  }
}
