import { z } from 'zod';
import { Actor } from '../common/actor';
import {
  AdminUpdateUserBody,
  AuditQuery,
  ListUsersQuery,
  LoginBody,
  RefreshTokenBody,
  RegisterBody,
  UpdateMeBody,
} from './rest';

/** The queue identity consumes its commands from. */
export const IDENTITY_QUEUE = 'identity.commands';

/** Message patterns of identity's commands (imperative names). */
export const IdentityCommand = {
  RegisterUser: 'identity.register-user',
  LogIn: 'identity.log-in',
  RefreshSession: 'identity.refresh-session',
  LogOut: 'identity.log-out',
  GetUser: 'identity.get-user',
  UpdateProfile: 'identity.update-profile',
  ListUsers: 'identity.list-users',
  ChangeUserAccess: 'identity.change-user-access',
  ListAudit: 'identity.list-audit',
} as const;

export const RegisterUserCommand = RegisterBody;
export const LogInCommand = LoginBody.extend({ clientIp: z.string().max(64).optional() });
export const RefreshSessionCommand = RefreshTokenBody;
export const LogOutCommand = RefreshTokenBody;
/** Any service may resolve a user by id (e.g. to check that a host exists and is a HOST). */
export const GetUserCommand = z.object({ userId: z.string().min(1) });
export const UpdateProfileCommand = z.object({ actor: Actor, changes: UpdateMeBody });
export const ListUsersCommand = z.object({ actor: Actor, query: ListUsersQuery });
export const ChangeUserAccessCommand = z.object({
  actor: Actor,
  userId: z.string().min(1),
  changes: AdminUpdateUserBody,
});
export const ListAuditCommand = z.object({ actor: Actor, query: AuditQuery });

export type LogInCommand = z.infer<typeof LogInCommand>;
export type UpdateProfileCommand = z.infer<typeof UpdateProfileCommand>;
export type ListUsersCommand = z.infer<typeof ListUsersCommand>;
export type ChangeUserAccessCommand = z.infer<typeof ChangeUserAccessCommand>;
export type ListAuditCommand = z.infer<typeof ListAuditCommand>;
