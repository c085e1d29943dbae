import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type {
  Actor,
  Booking,
  BusError,
  ListBookingsQuery,
  Page,
  PendingEvent,
} from '@slotbook/contracts';
import {
  afterCursor,
  GroupedInserts,
  compareAndSet,
  isDuplicateKeyError,
  mergeKeyset,
  toPage,
} from '@slotbook/persistence';
import { hostMonth, listScopes } from './booking-rules';
import { toBooking } from './booking.mapper';
import { BookingDocument } from './booking.schema';

/** The status of a tombstone: an id whose writer was fenced off, never a booking. */
const ABANDONED = 'abandoned';
type Tombstone = { _id: string; status: typeof ABANDONED };

/** The status of a keyed create's refusal, kept under the id its booking would have had. */
const REFUSED = 'refused';
export type Refusal = {
  _id: string;
  status: typeof REFUSED;
  requestHash: string;
  reply: BusError;
  refusedAt: Date;
};

/** What an id of the bookings collection holds: a booking, a tombstone or a refusal. */
export type IdRecord = BookingDocument | Tombstone | Refusal;

export function isBooking(record: IdRecord): record is BookingDocument {
  return record.status !== ABANDONED && record.status !== REFUSED;
}

export type BookingChanges = Partial<
  Pick<
    BookingDocument,
    | 'status'
    | 'startTime'
    | 'endTime'
    | 'hostMonth'
    | 'rangeId'
    | 'bufferBefore'
    | 'bufferAfter'
    | 'cancellationReason'
    | 'commands'
    | 'sequence'
    | 'seated'
  >
>;

/** What a month's listing needs of a booking. */
export type BookingTimes = Pick<
  BookingDocument,
  | '_id'
  | 'status'
  | 'startTime'
  | 'endTime'
  | 'bufferBefore'
  | 'bufferAfter'
  | 'eventTypeId'
  | 'seated'
>;

@Injectable()
export class BookingsRepository {
  /** New bookings written at once by concurrent creates go to the database in one insert. */
  private readonly inserts: GroupedInserts<BookingDocument>;

  constructor(@InjectModel(BookingDocument.name) readonly model: Model<BookingDocument>) {
    this.inserts = new GroupedInserts(model);
  }

  /**
   * Writes a new booking as it is (every field is set by the caller, typed: no hydration,
   * casting or defaults); false when its id is taken (see {@link abandon}).
   */
  async insert(doc: BookingDocument): Promise<boolean> {
    const refused = await this.inserts.insert([doc]);
    return refused.length === 0;
  }

  async findById(id: string): Promise<BookingDocument | null> {
    const doc = await this.findRecord(id);
    return doc && isBooking(doc) ? doc : null;
  }

  /** Whatever the id holds: a booking, a tombstone ({@link abandon}) or a refusal ({@link refuse}). */
  findRecord(id: string): Promise<IdRecord | null> {
    return this.model.findById(id).lean<IdRecord>().exec();
  }

  /**
   * Keeps a keyed create's refusal under the id its booking would have had, so that the key's
   * next run meets it where it would meet the booking. False when the id is taken.
   */
  async refuse(refusal: Omit<Refusal, 'status'>): Promise<boolean> {
    try {
      await this.model.collection.insertOne({ ...refusal, status: REFUSED } as never);
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /** A host's bookings of one month (`hostMonth`), any status, with their times. */
  /** The bookings of an event type's slot (its group's seats), in booking order. */
  atSlot(hostId: string, eventTypeId: string, startTime: Date): Promise<BookingDocument[]> {
    return this.model
      .find({ hostMonth: hostMonth(hostId, startTime), eventTypeId, startTime })
      .sort({ createdAt: 1, _id: 1 })
      .lean<BookingDocument[]>()
      .exec();
  }

  inMonth(hostMonth: string): Promise<BookingTimes[]> {
    return this.model
      .find(
        { hostMonth },
        {
          status: 1,
          startTime: 1,
          endTime: 1,
          bufferBefore: 1,
          bufferAfter: 1,
          eventTypeId: 1,
          seated: 1,
        },
      )
      .lean<BookingTimes[]>()
      .exec();
  }

  /**
   * Makes sure a booking id will never be written: an insert of a tombstone under that id.
   * Whoever reclaims time a booking that never appeared was holding does this first, so a writer
   * that was merely slow finds its insert refused instead of booking time it no longer holds.
   * Answers true when the id is buried (now, or already by a reclaim that may have died before
   * freeing the time, or by a keyed create's refusal), false when the booking exists after all.
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
      if (!isDuplicateKeyError(error)) throw error;
    }
    // A refusal is as final as a tombstone: that id never holds a booking either.
    const existing = await this.findRecord(id);
    return existing !== null && !isBooking(existing);
  }

  /**
   * Applies `changes` to the booking as it was read and appends the event describing the
   * result, in one compare-and-set on its version (the outbox's atomicity). Answers the booking
   * as written, or null when it changed since it was read: decide again on a fresh read.
   */
  change(
    current: BookingDocument,
    changes: BookingChanges,
    event: (record: Booking) => PendingEvent,
    now: Date,
  ): Promise<BookingDocument | null> {
    const set = { ...changes, updatedAt: now };
    return compareAndSet(this.model, current, set, [event(toBooking({ ...current, ...set }))]);
  }

  /**
   * Increments the booking's version if it is still the one read, changing nothing else: every
   * writer that read an older version is then refused. False when the booking moved on.
   */
  async bump(current: Pick<BookingDocument, '_id' | 'version'>): Promise<boolean> {
    const result = await this.model
      .updateOne({ _id: current._id, version: current.version }, { $inc: { version: 1 } })
      .exec();
    return result.matchedCount === 1;
  }

  /**
   * One page in (startTime, _id) order. Each scope the caller may see (see `listScopes`) is one
   * flat query led by an equality on a party, fetched `limit + 1` deep after the cursor; a
   * host's two scopes (guest, host) are merged into one page with the same cursor semantics.
   * An admin's unfiltered list is the one query without an equality: MongoDB serves it from
   * the (startTime, _id) index, devdb sorts the whole collection (a known limit).
   */
  async list(actor: Actor, query: ListBookingsQuery): Promise<Page<Booking>> {
    const scopes = listScopes(actor, { userId: query.userId, hostId: query.hostId });
    const rest: Record<string, unknown> = { ...afterCursor('startTime', query.cursor) };
    const window: Record<string, Date> = {};
    if (query.from) window.$gte = query.from;
    if (query.to) window.$lt = query.to;
    if (Object.keys(window).length > 0) rest.startTime = window;
    if (query.status) rest.status = query.status;
    const fetches = await Promise.all(
      scopes.map((scope) => {
        const filter: Record<string, unknown> = { ...scope, ...rest };
        // Tombstones and refusals carry no parties: only a query without one can meet them.
        if (Object.keys(scope).length === 0 && !query.status) {
          filter.status = { $nin: [ABANDONED, REFUSED] };
        }
        return this.model
          .find(filter, { outbox: 0 })
          .sort({ startTime: 1, _id: 1 })
          .limit(query.limit + 1)
          .lean<BookingDocument[]>()
          .exec();
      }),
    );
    return toPage(
      mergeKeyset(fetches, 'startTime', query.limit + 1),
      query.limit,
      'startTime',
      toBooking,
    );
  }
}
