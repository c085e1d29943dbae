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
} from '@slotbook/contracts';
import { MongoOutboxStore, afterCursor, isDuplicateKeyError, toPage } from '@slotbook/persistence';
import { UserDocument } from './user.schema';
import { toUser } from './user.mapper';

export type NewUser = Pick<UserDocument, 'email' | 'name' | 'role' | 'passwordHash'> & {
  _id: string;
};

@Injectable()
export class UsersRepository {
  constructor(
    @InjectModel(UserDocument.name) readonly model: Model<UserDocument>,
    private readonly outbox: MongoOutboxStore,
  ) {}

  /** Inserts the user and its first event in one write; a taken email is a conflict. */
  async insert(
    user: NewUser,
    event: (record: User) => PendingEvent,
    now: Date,
  ): Promise<UserDocument> {
    const doc: UserDocument = {
      ...user,
      emailLower: user.email.toLowerCase(),
      active: true,
      timezone: 'UTC',
      createdAt: now,
      updatedAt: now,
      outbox: [],
    };
    doc.outbox = [event(toUser(doc))];
    await this.outbox.markPending(doc._id);
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

  findByEmail(email: string): Promise<UserDocument | null> {
    return this.model.findOne({ emailLower: email.toLowerCase() }).lean<UserDocument>().exec();
  }

  /**
   * Applies `changes` and appends the events describing the result, in one single-document
   * update (the outbox's atomicity). Callers hold the user's record lock. Returns the result.
   */
  async update(
    current: UserDocument,
    changes: Partial<Pick<UserDocument, 'name' | 'timezone' | 'passwordHash' | 'role' | 'active'>>,
    events: (record: User) => PendingEvent[],
    now: Date,
  ): Promise<UserDocument> {
    const next: UserDocument = { ...current, ...changes, updatedAt: now };
    await this.outbox.markPending(current._id);
    const updated = await this.model
      .findOneAndUpdate(
        { _id: current._id },
        {
          $set: { ...changes, updatedAt: now },
          $push: { outbox: { $each: events(toUser(next)) } },
        },
        { new: true },
      )
      .lean<UserDocument>()
      .exec();
    if (!updated) throw DomainError.notFound('user');
    return updated;
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
