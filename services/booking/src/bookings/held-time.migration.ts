import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { keepsTime, hostMonth } from './booking-rules';
import { holdOf } from './booking';
import { BookingDocument } from './booking.schema';
import { HeldTimeDocument } from './held-time.schema';
import { holdDocuments } from './hold-documents';

/** What held booked time before `held_time`: claims, their cells, and listing stamps. */
const OLD_COLLECTIONS = ['slot_claims', 'slot_cells', 'held_stamps'];

/**
 * Moves a database written before `held_time` onto it, once, at start: every booking that
 * still holds time gets its keys and head (inserted unordered, so a run cut short is simply
 * run again), every booking its `hostMonth`; then the old collections go. A database that
 * never had them costs one listing of collection names.
 */
@Injectable()
export class HeldTimeMigration {
  private readonly logger = new Logger(HeldTimeMigration.name);

  constructor(
    @InjectModel(BookingDocument.name) private readonly bookings: Model<BookingDocument>,
    @InjectModel(HeldTimeDocument.name) private readonly held: Model<HeldTimeDocument>,
  ) {}

  async run(now = new Date()): Promise<number> {
    const db = this.bookings.db.db!;
    const names = new Set(
      (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name),
    );
    if (!OLD_COLLECTIONS.some((name) => names.has(name))) return 0;
    let moved = 0;
    for await (const booking of this.bookings
      .find({ hostMonth: { $exists: false } })
      .lean<BookingDocument>()
      .cursor()) {
      if (!booking.hostId) continue; // a tombstone
      if (keepsTime(booking.status) && booking.endTime > now) {
        await this.held.collection
          .insertMany(holdDocuments(holdOf(booking), now) as never[], { ordered: false })
          .catch((error: { writeErrors?: unknown }) => {
            if (!error.writeErrors) throw error;
          });
        moved += 1;
      }
      await this.bookings.updateOne(
        { _id: booking._id },
        { $set: { hostMonth: hostMonth(booking.hostId, booking.startTime) } },
      );
    }
    // Another replica starting at the same time may have dropped one already.
    for (const name of OLD_COLLECTIONS) {
      if (names.has(name)) await db.dropCollection(name).catch(() => undefined);
    }
    this.logger.warn({ moved }, 'moved held time of existing bookings to held_time');
    return moved;
  }
}
