import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { Booking } from '@slotbook/contracts';
import { toBooking } from '../bookings/booking.mapper';
import { BookingDocument } from '../bookings/booking.schema';
import { CalendarFeedDocument } from './calendar-feed.schema';

@Injectable()
export class CalendarFeedsRepository {
  constructor(
    @InjectModel(CalendarFeedDocument.name) private readonly feeds: Model<CalendarFeedDocument>,
    @InjectModel(BookingDocument.name) private readonly bookings: Model<BookingDocument>,
  ) {}

  /** Makes `tokenHash` the host's feed, replacing the previous one in the same write. */
  async set(hostId: string, tokenHash: string, now: Date): Promise<void> {
    await this.feeds
      .updateOne({ _id: hostId }, { $set: { tokenHash, updatedAt: now } }, { upsert: true })
      .exec();
  }

  /** The host whose feed token hashes to `tokenHash`, or null. */
  async hostOf(tokenHash: string): Promise<string | null> {
    const feed = await this.feeds.findOne({ tokenHash }).lean<CalendarFeedDocument>().exec();
    return feed?._id ?? null;
  }

  /**
   * The host's bookings that are not cancelled and start in [from, to), by (startTime, _id),
   * at most `limit`: one query, served by the bookings' (hostId, startTime, _id) index.
   */
  async bookingsOf(hostId: string, from: Date, to: Date, limit: number): Promise<Booking[]> {
    const docs = await this.bookings
      .find(
        { hostId, startTime: { $gte: from, $lt: to }, status: { $ne: 'cancelled' } },
        { outbox: 0 },
      )
      .sort({ startTime: 1, _id: 1 })
      .limit(limit)
      .lean<BookingDocument[]>()
      .exec();
    return docs.map(toBooking);
  }
}
