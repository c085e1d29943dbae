import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  IDENTITY_EXCHANGE,
  IdentityEvent,
  type Actor,
  type ChangeUserAccessCommand,
  type ListUsersQuery,
  type Page,
  type PendingEvent,
  type UpdateProfileCommand,
  type User,
} from '@slotbook/contracts';
import { newEvent } from '@slotbook/messaging';
import { RecordChanges } from '@slotbook/persistence';
import { PasswordHasher } from '../auth/password-hasher';
import { RevocationStore } from '../auth/revocation.store';
import { SessionsRepository } from '../auth/sessions.repository';
import { toUser } from './user.mapper';
import type { UserDocument } from './user.schema';
import { UsersRepository } from './users.repository';

@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly sessions: SessionsRepository,
    private readonly hasher: PasswordHasher,
    private readonly revocations: RevocationStore,
    private readonly changes: RecordChanges,
  ) {}

  async get(userId: string): Promise<User> {
    return toUser(await this.require(userId));
  }

  updateProfile(command: UpdateProfileCommand): Promise<User> {
    return this.changes.of(command.actor.id, () => this.applyProfile(command));
  }

  private async applyProfile({ actor, changes }: UpdateProfileCommand): Promise<User> {
    const current = await this.require(actor.id);
    const set: Partial<UserDocument> = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.timezone !== undefined) set.timezone = changes.timezone;
    if (changes.password !== undefined) {
      if (!(await this.hasher.verify(current.passwordHash, changes.currentPassword ?? ''))) {
        throw DomainError.validation('the current password is incorrect', [
          { path: 'currentPassword', message: 'is incorrect' },
        ]);
      }
      set.passwordHash = await this.hasher.hash(changes.password);
    }
    const now = new Date();
    const updated = await this.users.update(
      current,
      set,
      (record) => [updatedEvent(record, actor)],
      now,
    );
    if (set.passwordHash) {
      // Everyone who knew the old password is signed out; the session making the change stays.
      const revoked = await this.sessions.revokeUserSessions(actor.id, now, actor.sessionId);
      await this.revocations.revokeSessions(revoked);
    }
    return toUser(updated);
  }

  list(query: ListUsersQuery): Promise<Page<User>> {
    return this.users.list(query);
  }

  changeAccess(command: ChangeUserAccessCommand): Promise<User> {
    return this.changes.of(command.userId, () => this.applyAccess(command));
  }

  private async applyAccess({ actor, userId, changes }: ChangeUserAccessCommand): Promise<User> {
    const current = await this.require(userId);
    if (
      userId === actor.id &&
      (changes.active === false || (changes.role && changes.role !== 'ADMIN'))
    ) {
      throw new DomainError(ErrorCode.Conflict, 'an admin cannot deactivate or demote themselves');
    }
    const deactivating = changes.active === false && current.active;
    const roleChanged = changes.role !== undefined && changes.role !== current.role;
    const now = new Date();
    if (changes.active !== undefined) await this.revocations.setUserActive(userId, changes.active);
    const updated = await this.users.update(
      current,
      {
        ...(changes.role ? { role: changes.role } : {}),
        ...(changes.active !== undefined ? { active: changes.active } : {}),
      },
      (record) => {
        const events: PendingEvent[] = [updatedEvent(record, actor)];
        if (deactivating)
          events.push(newEvent(IDENTITY_EXCHANGE, IdentityEvent.UserDeactivated, record, actor.id));
        return events;
      },
      now,
    );
    if (deactivating || roleChanged) {
      // Tokens carry the role; a new role or a deactivation ends every session at once.
      await this.revocations.revokeSessions(await this.sessions.revokeUserSessions(userId, now));
    }
    return toUser(updated);
  }

  private async require(userId: string): Promise<UserDocument> {
    const user = await this.users.findById(userId);
    if (!user) throw DomainError.notFound('user');
    return user;
  }
}

function updatedEvent(record: User, actor: Actor): PendingEvent {
  return newEvent(IDENTITY_EXCHANGE, IdentityEvent.UserUpdated, record, actor.id);
}
