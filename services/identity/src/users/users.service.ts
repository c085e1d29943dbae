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
  type UserEventRecord,
} from '@slotbook/contracts';
import { newEvent } from '@slotbook/messaging';
import { LOST_RACE, RecordChanges } from '@slotbook/persistence';
import { PasswordHasher } from '../auth/password-hasher';
import { RevocationStore } from '../auth/revocation.store';
import { SessionsRepository } from '../auth/sessions.repository';
import { toUser } from './user.mapper';
import type { UserDocument } from './user.schema';
import { UsersRepository, type UserChanges } from './users.repository';

/** How often the active flag is read again while other changes keep moving the user. */
const SYNC_ATTEMPTS = 5;

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

  /** The users of these ids that exist, in one query (an `$in` on `_id`, index-served). */
  async getMany(userIds: string[]): Promise<User[]> {
    return (await this.users.findByIds(userIds)).map(toUser);
  }

  updateProfile(command: UpdateProfileCommand): Promise<User> {
    // The new password's hash does not depend on the record: computed once, whatever the retries.
    let newHash: Promise<string> | undefined;
    const hashNew = (password: string) => (newHash ??= this.hasher.hash(password));
    return this.changes.of(() => this.applyProfile(command, hashNew));
  }

  private async applyProfile(
    { actor, changes }: UpdateProfileCommand,
    hashNew: (password: string) => Promise<string>,
  ): Promise<User | typeof LOST_RACE> {
    const current = await this.require(actor.id);
    const set: UserChanges = {};
    if (changes.name !== undefined) set.name = changes.name;
    if (changes.timezone !== undefined) set.timezone = changes.timezone;
    if (changes.password !== undefined) {
      if (!(await this.hasher.verify(current.passwordHash, changes.currentPassword ?? ''))) {
        throw DomainError.validation('the current password is incorrect', [
          { path: 'currentPassword', message: 'is incorrect' },
        ]);
      }
      set.passwordHash = await hashNew(changes.password);
    }
    const now = new Date();
    const updated = await this.users.change(
      current,
      set,
      (record) => [updatedEvent(record, actor)],
      now,
    );
    if (!updated) return LOST_RACE;
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
    return this.changes.of(() => this.applyAccess(command));
  }

  private async applyAccess({
    actor,
    userId,
    changes,
  }: ChangeUserAccessCommand): Promise<User | typeof LOST_RACE> {
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
    // A deactivation reaches the gateways before it is written: it fails closed.
    if (changes.active === false) await this.revocations.setUserActive(userId, false);
    const updated = await this.users.change(
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
    if (changes.active !== undefined) await this.syncActive(userId, updated);
    if (!updated) return LOST_RACE;
    if (deactivating || roleChanged) {
      // Tokens carry the role; a new role or a deactivation ends every session at once.
      await this.revocations.revokeSessions(await this.sessions.revokeUserSessions(userId, now));
    }
    return toUser(updated);
  }

  /**
   * Makes Redis say what the database says about the user being active. Concurrent changes of
   * the flag no longer run one at a time, so each writes what it read from the database and
   * reads again until the user held still: the last of them to write Redis then wrote the
   * database's final word. Called by every change of the flag, winner or loser of its
   * compare-and-set, because a loser's early deactivation must not outlast the winner's write.
   */
  private async syncActive(userId: string, written: UserDocument | null): Promise<void> {
    let user = written ?? (await this.users.findById(userId));
    for (let attempt = 0; user && attempt < SYNC_ATTEMPTS; attempt += 1) {
      await this.revocations.setUserActive(userId, user.active);
      const again = await this.users.findById(userId);
      if (!again || again.version === user.version) return;
      user = again;
    }
  }

  private async require(userId: string): Promise<UserDocument> {
    const user = await this.users.findById(userId);
    if (!user) throw DomainError.notFound('user');
    return user;
  }
}

function updatedEvent(record: UserEventRecord, actor: Actor): PendingEvent {
  return newEvent(IDENTITY_EXCHANGE, IdentityEvent.UserUpdated, record, actor.id);
}
