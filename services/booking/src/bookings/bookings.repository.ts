import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { Actor, Booking, ListBookingsQuery, Page, PendingEvent } from '@slotbook/contracts';
import { MongoOutboxStore, afterCursor, isDuplicateKeyError, toPage } from '@slotbook/persistence';
import { toBooking } from './booking.mapper';
import { BookingDocument } from './booking.schema';

/** The status of a tombstone: an id the sweeper gave up on, never a booking. */
const ABANDONED = 'abandoned';
type Tombstone = { _id: string; status: typeof ABANDONED };

export type BookingChanges = Partial<
  Pick<
    BookingDocument,
    'status' | 'startTime' | 'endTime' | 'claimId' | 'rangeId' | 'cancellationReason'
  >
>;

@Injectable()
export class BookingsRepository {
  constructor(
    @InjectModel(BookingDocument.name) readonly model: Model<BookingDocument>,
    private readonly outbox: MongoOutboxStore,
  ) {}

  /** Writes a new booking; false when its id was given up on (see {@link abandon}). */
  async insert(doc: BookingDocument): Promise<boolean> {
    await this.outbox.markPending(doc._id);
    try {
      await this.model.create(doc);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  async findById(id: string): Promise<BookingDocument | null> {
    const doc = await this.model.findById(id).lean<BookingDocument | Tombstone>().exec();
    return doc && doc.status !== ABANDONED ? doc : null;
  }

  /**
   * Makes sure a booking id will never be written: an insert of a tombstone under that id. The
   * sweeper does this before it frees the claim of a booking that never appeared, so a writer
   * that was merely slow finds its insert refused instead of booking a slot it no longer holds.
   * Answers false when the booking exists after all.
   */
  async abandon(id: string): Promise<boolean> {
    try {
      await this.model.collection.insertOne({
        _id: id,
        status: ABANDONED,
        abandonedAt: new Date(),
      } as never);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /**
   * Applies `changes` to the booking that was read, appending the event in the same
   * single-document update. Callers hold the booking's record lock, so what they read is
   * current; the update filters by `_id` alone, the one lookup FerretDB answers from an index.
   */
  async update(
    current: BookingDocument,
    changes: BookingChanges,
    event: (record: Booking) => PendingEvent,
    now: Date,
  ): Promise<BookingDocument | null> {
    const next: BookingDocument = {
      ...current,
      ...changes,
      updatedAt: now,
    };
    await this.outbox.markPending(current._id);
    return this.model
      .findOneAndUpdate(
        { _id: current._id },
        {
          $set: { ...changes, updatedAt: now },
          $push: { outbox: event(toBooking(next)) },
        },
        { new: true },
      )
      .lean<BookingDocument>()
      .exec();
  }

  async list(actor: Actor, query: ListBookingsQuery): Promise<Page<Booking>> {
    const conditions: Record<string, unknown>[] = [];
    if (!query.status) conditions.push({ status: { $ne: ABANDONED } });
    if (actor.role === 'USER') conditions.push({ userId: actor.id });
    if (actor.role === 'HOST')
      conditions.push({ $or: [{ userId: actor.id }, { hostId: actor.id }] });
    if (query.status) conditions.push({ status: query.status });
    if (query.hostId) conditions.push({ hostId: query.hostId });
    if (query.userId) conditions.push({ userId: query.userId });
    if (query.from) conditions.push({ startTime: { $gte: query.from } });
    if (query.to) conditions.push({ startTime: { $lt: query.to } });
    if (query.cursor) conditions.push(afterCursor('startTime', query.cursor));
    const filter =
      conditions.length === 0 ? {} : conditions.length === 1 ? conditions[0] : { $and: conditions };
    const docs = await this.model
      .find(filter, { outbox: 0 })
      .sort({ startTime: 1, _id: 1 })
      .limit(query.limit + 1)
      .lean<BookingDocument[]>()
      .exec();
    return toPage(docs, query.limit, 'startTime', toBooking);
  }
}
