import { z } from 'zod';
import { Actor } from '../common/actor';
import { defineCommand } from '../common/command';
import {
  AdminUpdateUserBody,
  AuditPage,
  AuditQuery,
  ListUsersQuery,
  LoginBody,
  RefreshTokenBody,
  RegisterBody,
  TokenPair,
  UpdateMeBody,
  UserPage,
} from './rest';
import { User } from './user';

/** The most users one GetUsers asks for: a calendar feed's host and bookers fit (booking/calendar.ts). */
export const MAX_USERS_PER_GET = 5000;

/** The queue identity consumes its commands from. */
export const IDENTITY_QUEUE = 'identity.commands';

/** Message patterns of identity's commands (imperative names). */
export const IdentityCommand = {
  RegisterUser: 'identity.register-user',
  LogIn: 'identity.log-in',
  RefreshSession: 'identity.refresh-session',
  LogOut: 'identity.log-out',
  GetUser: 'identity.get-user',
  GetUsers: 'identity.get-users',
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
/** Many users by id in one message (e.g. the people of a year of bookings); unknown ids are left out. */
export const GetUsersCommand = z.object({
  userIds: z.array(z.string().min(1)).max(MAX_USERS_PER_GET),
});
export type GetUsersCommand = z.infer<typeof GetUsersCommand>;
export const UserList = z.object({ data: z.array(User) });
export type UserList = z.infer<typeof UserList>;
export const UpdateProfileCommand = z.object({ actor: Actor, changes: UpdateMeBody });
/** The query as the gateway parsed it: `active` is a boolean by now, not the query's string. */
export const ListUsersCommand = z.object({
  actor: Actor,
  query: ListUsersQuery.extend({ active: z.boolean().optional() }),
});
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

// What each command carries and answers; the reads are retry-safe.

export const RegisterUser = defineCommand({
  queue: IDENTITY_QUEUE,
  pattern: IdentityCommand.RegisterUser,
  input: RegisterUserCommand,
  output: User,
  retrySafe: false,
});

export const LogIn = defineCommand({
  queue: IDENTITY_QUEUE,
  pattern: IdentityCommand.LogIn,
  input: LogInCommand,
  output: TokenPair,
  retrySafe: false,
});

export const RefreshSession = defineCommand({
  queue: IDENTITY_QUEUE,
  pattern: IdentityCommand.RefreshSession,
  input: RefreshSessionCommand,
  output: TokenPair,
  retrySafe: false,
});

/** Answers nothing (null): the session is ended. */
export const LogOut = defineCommand({
  queue: IDENTITY_QUEUE,
  pattern: IdentityCommand.LogOut,
  input: LogOutCommand,
  output: z.null(),
  retrySafe: false,
});

export const GetUser = defineCommand({
  queue: IDENTITY_QUEUE,
  pattern: IdentityCommand.GetUser,
  input: GetUserCommand,
  output: User,
  retrySafe: true,
});

export const GetUsers = defineCommand({
  queue: IDENTITY_QUEUE,
  pattern: IdentityCommand.GetUsers,
  input: GetUsersCommand,
  output: UserList,
  retrySafe: true,
});

export const UpdateProfile = defineCommand({
  queue: IDENTITY_QUEUE,
  pattern: IdentityCommand.UpdateProfile,
  input: UpdateProfileCommand,
  output: User,
  retrySafe: false,
});

export const ListUsers = defineCommand({
  queue: IDENTITY_QUEUE,
  pattern: IdentityCommand.ListUsers,
  input: ListUsersCommand,
  output: UserPage,
  retrySafe: true,
});

export const ChangeUserAccess = defineCommand({
  queue: IDENTITY_QUEUE,
  pattern: IdentityCommand.ChangeUserAccess,
  input: ChangeUserAccessCommand,
  output: User,
  retrySafe: false,
});

export const ListAudit = defineCommand({
  queue: IDENTITY_QUEUE,
  pattern: IdentityCommand.ListAudit,
  input: ListAuditCommand,
  output: AuditPage,
  retrySafe: true,
});

export const IDENTITY_COMMANDS = [
  RegisterUser,
  LogIn,
  RefreshSession,
  LogOut,
  GetUser,
  GetUsers,
  UpdateProfile,
  ListUsers,
  ChangeUserAccess,
  ListAudit,
] as const;
