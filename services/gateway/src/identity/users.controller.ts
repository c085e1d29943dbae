import { Body, Controller, Get, Patch } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  DomainError,
  ErrorCode,
  GetUser,
  UpdateProfile,
  type Actor,
  type User,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { AuthRateLimiter } from '../auth/auth-rate-limiter';
import { CurrentActor } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { UpdateMeDto, UserDto } from './identity.dtos';

@ApiTags('users')
@ApiBearerAuth()
@Controller('users')
export class UsersController {
  constructor(
    private readonly bus: CommandBus,
    private readonly limiter: AuthRateLimiter,
  ) {}

  @Get('me')
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiProblemResponses({ 401: true })
  @ApiOkResponse({ type: UserDto })
  me(@CurrentActor() actor: Actor): Promise<User> {
    return this.bus.send(GetUser, { userId: actor.id });
  }

  @Patch('me')
  @ApiOperation({ summary: 'Change name, time zone or password' })
  @ApiProblemResponses({
    400: true,
    401: true,
    413: true,
    422: 'an invalid field, or a password change without the right currentPassword',
    429: 'too many wrong currentPasswords for this account',
  })
  @ApiOkResponse({ type: UserDto, description: 'changing the password ends every other session' })
  async update(@CurrentActor() actor: Actor, @Body() body: UpdateMeDto): Promise<User> {
    const send = () =>
      this.bus.send(UpdateProfile, {
        actor,
        changes: body,
      });
    if (body.password === undefined) return send();
    // The current password is a guess like a login's: counted per account before it is checked.
    const attempt = await this.limiter.beforeCurrentPasswordCheck(actor.id);
    try {
      const user = await send();
      await attempt.succeeded();
      return user;
    } catch (error) {
      if (isWrongCurrentPassword(error)) await attempt.wrongPassword();
      else await attempt.notEvaluated();
      throw error;
    }
  }
}

function isWrongCurrentPassword(error: unknown): boolean {
  return (
    error instanceof DomainError &&
    error.code === ErrorCode.ValidationFailed &&
    (error.details?.errors ?? []).some((field) => field.path === 'currentPassword')
  );
}
