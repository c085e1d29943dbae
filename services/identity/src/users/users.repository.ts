import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import {
  DomainError,
  ErrorCode,
  type ListUsersQuery,
  type Page,
  type PendingEvent,
  type User,
  type UserEventRecord,
} from '@slotbook/contracts';
import {
  afterCursor,
  compareAndSet,
  initialOutbox,
  isDuplicateKeyError,
  toPage,
} from '@slotbook/persistence';
import { UserDocument } from './user.schema';
import { toUser } from './user.mapper';

export type NewUser = Pick<UserDocument, 'email' | 'name' | 'role' | 'passwordHash'> & {
  _id: string;
};

export type UserChanges = Partial<
  Pick<UserDocument, 'name' | 'timezone' | 'passwordHash' | 'role' | 'active'>
>;

@Injectable()
export class UsersRepository {
  constructor(@InjectModel(UserDocument.name) readonly model: Model<UserDocument>) {}

  /** Inserts the user and its first event in one write; a taken email is a conflict. */
  async insert(
    user: NewUser,
    event: (record: UserEventRecord) => PendingEvent,
    now: Date,
  ): Promise<UserDocument> {
    const fields = {
      ...user,
      emailLower: user.email.toLowerCase(),
      active: true,
      timezone: 'UTC',
      createdAt: now,
      updatedAt: now,
    };
    // A new record starts at version 1 (see initialOutbox).
    const doc: UserDocument = {
      ...fields,
      ...initialOutbox([event({ ...toUser(fields), version: 1 })]),
    };
    try {
      await this.model.create(doc);
      return doc;
    } catch (error) {
      if (isDuplicateKeyError(error)) {
        throw new DomainError(ErrorCode.Conflict, 'an account with this email already exists');
      }
      throw error;
    }
  }

  findById(id: string): Promise<UserDocument | null> {
    return this.model.findById(id).lean<UserDocument>().exec();
  }

  findByIds(ids: string[]): Promise<UserDocument[]> {
    return this.model
      .find({ _id: { $in: [...new Set(ids)] } })
      .lean<UserDocument[]>()
      .exec();
  }

  /** An equality on `emailLower`, served by its unique index. */
  findByEmail(email: string): Promise<UserDocument | null> {
    return this.model.findOne({ emailLower: email.toLowerCase() }).lean<UserDocument>().exec();
  }

  /**
   * Applies `changes` to the user as it was read and appends the events describing the result,
   * in one compare-and-set on its version (the outbox's atomicity). The events carry the
   * version the write gives the user. Answers the user as written, or null when it changed
   * since it was read: decide again on a fresh read.
   */
  change(
    current: UserDocument,
    changes: UserChanges,
    events: (record: UserEventRecord) => PendingEvent[],
    now: Date,
  ): Promise<UserDocument | null> {
    const set = { ...changes, updatedAt: now };
    const record = { ...toUser({ ...current, ...set }), version: current.version + 1 };
    return compareAndSet(this.model, current, set, events(record));
  }

  async list(query: ListUsersQuery): Promise<Page<User>> {
    const filter: Record<string, unknown> = { ...afterCursor('createdAt', query.cursor) };
    if (query.role) filter.role = query.role;
    if (query.active !== undefined) filter.active = query.active;
    const docs = await this.model
      .find(filter)
      .sort({ createdAt: 1, _id: 1 })
      .limit(query.limit + 1)
      .lean<UserDocument[]>()
      .exec();
    return toPage(docs, query.limit, 'createdAt', toUser);
  }

  findInactiveIds(): Promise<string[]> {
    return this.model.distinct('_id', { active: false }).exec() as Promise<string[]>;
  }
}
