import { z } from 'zod';
import { PageQuery, QueryBoolean, pageOf } from '../common/pagination';
import { Role } from '../common/actor';
import { Instant, InstantOut } from '../common/timestamp';
import { TimeZone } from '../common/time-zone';
import { DisplayName, Email, Password, User } from './user';

export const RegisterBody = z.strictObject({
  email: Email,
  password: Password,
  name: DisplayName,
  role: z.enum(['USER', 'HOST'], { message: "must be 'USER' or 'HOST'" }).default('USER'),
});
export type RegisterBody = z.infer<typeof RegisterBody>;

export const LoginBody = z.strictObject({
  email: z.string().trim().min(1).max(254),
  password: z.string().min(1).max(1024),
});
export type LoginBody = z.infer<typeof LoginBody>;

export const RefreshTokenBody = z.strictObject({
  refreshToken: z.string().min(1).max(512),
});
export type RefreshTokenBody = z.infer<typeof RefreshTokenBody>;

export const TokenPair = z.object({
  accessToken: z.string(),
  refreshToken: z.string(),
  tokenType: z.literal('Bearer'),
  expiresIn: z.number().int().describe('seconds until the access token expires'),
});
export type TokenPair = z.infer<typeof TokenPair>;

export const UpdateMeBody = z
  .strictObject({
    name: DisplayName.optional(),
    timezone: TimeZone.optional(),
    password: Password.optional(),
    currentPassword: z.string().min(1).max(1024).optional(),
  })
  .refine((body) => body.password === undefined || body.currentPassword !== undefined, {
    message: 'is required to change the password',
    path: ['currentPassword'],
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'at least one of name, timezone, password must be given',
  });
export type UpdateMeBody = z.infer<typeof UpdateMeBody>;

export const ListUsersQuery = PageQuery.extend({
  role: Role.optional(),
  active: QueryBoolean.optional(),
});
export type ListUsersQuery = z.infer<typeof ListUsersQuery>;

export const UserPage = pageOf(User);

export const AdminUpdateUserBody = z
  .strictObject({ role: Role.optional(), active: z.boolean().optional() })
  .refine((body) => body.role !== undefined || body.active !== undefined, {
    message: 'at least one of role, active must be given',
  });
export type AdminUpdateUserBody = z.infer<typeof AdminUpdateUserBody>;

export const AuditQuery = PageQuery.extend({
  actorId: z.string().min(1).max(100).optional(),
  action: z.string().min(1).max(100).optional(),
  entityId: z.string().min(1).max(100).optional(),
  from: Instant.optional(),
  to: Instant.optional(),
});
export type AuditQuery = z.infer<typeof AuditQuery>;

export const AuditEntry = z.object({
  id: z.string(),
  action: z.string().describe('e.g. user.registered, auth.login, booking.created'),
  actorId: z.string().nullable(),
  entityType: z.string(),
  entityId: z.string().nullable(),
  requestId: z.string().nullable(),
  occurredAt: InstantOut,
  details: z.record(z.string(), z.unknown()).optional(),
});
export type AuditEntry = z.infer<typeof AuditEntry>;
export const AuditPage = pageOf(AuditEntry);

export const UserIdParam = z.strictObject({ id: z.string().min(1).max(100) });
