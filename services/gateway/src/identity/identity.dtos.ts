import { createZodDto } from '../docs/zod-dto';
import {
  AdminUpdateUserBody,
  AuditPage,
  AuditQuery,
  ListUsersQuery,
  LoginBody,
  PageCursorParam,
  PageLimitParam,
  RefreshTokenBody,
  RegisterBody,
  TokenPair,
  UpdateMeBody,
  User,
  UserIdParam,
  UserPage,
  windowInOrder,
} from '@slotbook/contracts';

export class RegisterDto extends createZodDto(RegisterBody) {}
export class LoginDto extends createZodDto(LoginBody) {}
export class RefreshTokenDto extends createZodDto(RefreshTokenBody) {}
export class TokenPairDto extends createZodDto(TokenPair) {}
export class UpdateMeDto extends createZodDto(UpdateMeBody) {}
export class UserDto extends createZodDto(User) {}
export class UserPageDto extends createZodDto(UserPage) {}
export class ListUsersQueryDto extends createZodDto(
  ListUsersQuery.extend({ limit: PageLimitParam, cursor: PageCursorParam }),
) {}
export class AdminUpdateUserDto extends createZodDto(AdminUpdateUserBody) {}
export class UserIdParamDto extends createZodDto(UserIdParam) {}
export class AuditQueryDto extends createZodDto(
  AuditQuery.extend({ limit: PageLimitParam, cursor: PageCursorParam }).superRefine(windowInOrder),
) {}
export class AuditPageDto extends createZodDto(AuditPage) {}
