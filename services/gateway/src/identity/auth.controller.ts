import { Body, Controller, Header, HttpCode, HttpStatus, Ip, Post } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  DomainError,
  ErrorCode,
  LogIn,
  LogOut,
  RefreshSession,
  RegisterUser,
  type TokenPair,
  type User,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { AuthRateLimiter } from '../auth/auth-rate-limiter';
import { Public } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { LoginDto, RefreshTokenDto, RegisterDto, TokenPairDto, UserDto } from './identity.dtos';

/** Token answers must not be kept by any cache on the way (RFC 6749 §5.1). */
const UNCACHEABLE = {
  'Cache-Control': { description: 'always `no-store`', schema: { type: 'string' } },
  Pragma: { description: 'always `no-cache`', schema: { type: 'string' } },
};

@ApiTags('auth')
@Public()
@Controller('auth')
export class AuthController {
  constructor(
    private readonly bus: CommandBus,
    private readonly limiter: AuthRateLimiter,
  ) {}

  // `security: []`: these routes take no access token (the document's way of saying so).
  @Post('register')
  @ApiOperation({ summary: 'Register an account (USER or HOST)', security: [] })
  @ApiProblemResponses({
    400: true,
    409: 'the email is taken (compared case-insensitively)',
    413: true,
    422: 'an invalid email, a weak password, or a role other than USER or HOST',
    429: 'too many calls from this address',
  })
  @ApiCreatedResponse({
    type: UserDto,
    description: 'the new account (USER unless HOST was asked for)',
  })
  async register(@Body() body: RegisterDto, @Ip() address: string): Promise<User> {
    await this.limiter.beforeAuthCall(address);
    return this.bus.send(RegisterUser, body);
  }

  @Post('login')
  @HttpCode(HttpStatus.OK)
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({ summary: 'Log in: an access and a refresh token', security: [] })
  @ApiProblemResponses({
    400: true,
    401: 'unknown email or wrong password (one answer for both), or a deactivated account',
    413: true,
    422: true,
    429: 'too many failed logins for this account, or attempts from this address',
  })
  @ApiOkResponse({ type: TokenPairDto, headers: UNCACHEABLE })
  async login(@Body() body: LoginDto, @Ip() address: string): Promise<TokenPair> {
    const attempt = await this.limiter.beforeLogin(body.email, address);
    try {
      const tokens = await this.bus.send(LogIn, {
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
  @Header('Cache-Control', 'no-store')
  @Header('Pragma', 'no-cache')
  @ApiOperation({ summary: 'Trade a refresh token for a new pair', security: [] })
  @ApiProblemResponses({
    400: true,
    401: 'an unknown or dead refresh token; presenting a used one ends its whole session',
    413: true,
    422: true,
    429: 'too many calls from this address',
  })
  @ApiOkResponse({
    type: TokenPairDto,
    description: 'a new pair; the presented refresh token is dead from now on',
    headers: UNCACHEABLE,
  })
  async refresh(@Body() body: RefreshTokenDto, @Ip() address: string): Promise<TokenPair> {
    await this.limiter.beforeAuthCall(address);
    return this.bus.send(RefreshSession, body);
  }

  @Post('logout')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'End the session of a refresh token', security: [] })
  @ApiProblemResponses({
    400: true,
    401: 'an unknown or dead refresh token',
    413: true,
    422: true,
    429: 'too many calls from this address',
  })
  @ApiNoContentResponse({ description: 'the session (refresh-token family) is ended' })
  async logout(@Body() body: RefreshTokenDto, @Ip() address: string): Promise<void> {
    await this.limiter.beforeAuthCall(address);
    await this.bus.send(LogOut, body);
  }
}
