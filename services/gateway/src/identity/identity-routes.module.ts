import { Module } from '@nestjs/common';
import { AuthRateLimiter } from '../auth/auth-rate-limiter';
import { AdminController } from './admin.controller';
import { AuthController } from './auth.controller';
import { UsersController } from './users.controller';

/** `/auth`, `/users/me`, `/admin`: SPEC §3. */
@Module({
  controllers: [AuthController, UsersController, AdminController],
  providers: [AuthRateLimiter],
})
export class IdentityRoutesModule {}
