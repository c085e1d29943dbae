import { Body, Controller, HttpCode, HttpStatus, Ip, Post } from '@nestjs/common';
import { ApiNoContentResponse, ApiOkResponse, ApiCreatedResponse, ApiTags } from '@nestjs/swagger';
import {
  DomainError,
  ErrorCode,
  IDENTITY_QUEUE,
  IdentityCommand,
  type TokenPair,
  type User,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { AuthRateLimiter } from '../auth/auth-rate-limiter';
import { Public } from '../auth/auth.decorators';
import { LoginDto, RefreshTokenDto, RegisterDto, TokenPairDto, UserDto } from './identity.dtos';

@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(
    private readonly bus: CommandBus,
    private readonly limiter: AuthRateLimiter,
  ) {}

  @Post('register')
  @ApiCreatedResponse({
    type: UserDto,
    description: 'the new account (USER unless HOST was asked for)',
  })
  async register(@Body() body: RegisterDto, @Ip() address: string): Promise<User> {
    await this.limiter.beforeAuthCall(address);
    return this.bus.send(IDENTITY_QUEUE, IdentityCommand.RegisterUser, body);
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: TokenPairDto })
  async login(@Body() body: LoginDto, @Ip() address: string): Promise<TokenPair> {
    const attempt = await this.limiter.beforeLogin(body.email, address);
    try {
      const tokens = await this.bus.send<TokenPair>(IDENTITY_QUEUE, IdentityCommand.LogIn, {
        ...body,
        clientIp: address,
      });
      await attempt.succeeded();
      return tokens;
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.Unauthorized)
        await attempt.wrongPassword();
      else await attempt.notEvaluated();
      throw error;
    }
  }

  @Post('refresh')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: TokenPairDto,
    description: 'a new pair; the presented refresh token is dead from now on',
  })
  async refresh(@Body() body: RefreshTokenDto, @Ip() address: string): Promise<TokenPair> {
    await this.limiter.beforeAuthCall(address);
    return this.bus.send(IDENTITY_QUEUE, IdentityCommand.RefreshSession, body);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({ description: 'the session (refresh-token family) is ended' })
  async logout(@Body() body: RefreshTokenDto, @Ip() address: string): Promise<void> {
    await this.limiter.beforeAuthCall(address);
    await this.bus.send(IDENTITY_QUEUE, IdentityCommand.LogOut, body);
  }
}
