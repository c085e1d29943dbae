import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { PendingEvent } from '@slotbook/contracts';
import { MongoOutboxStore, isDuplicateKeyError } from '@slotbook/persistence';
import { HostScheduleDocument } from './host-schedule.schema';
import type { RangeEntry } from './range-rules';

export interface HostSchedule {
  hostId: string;
  version: number;
  ranges: RangeEntry[];
}

@Injectable()
export class HostScheduleRepository {
  constructor(
    @InjectModel(HostScheduleDocument.name) readonly model: Model<HostScheduleDocument>,
    private readonly outbox: MongoOutboxStore,
  ) {}

  async find(hostId: string): Promise<HostSchedule | null> {
    const doc = await this.model
      .findById(hostId, { version: 1, ranges: 1 })
      .lean<Pick<HostScheduleDocument, '_id' | 'version' | 'ranges'>>()
      .exec();
    return doc ? { hostId: doc._id, version: doc.version, ranges: doc.ranges } : null;
  }

  /** The host whose schedule holds the range, or null. */
  async hostOfRange(rangeId: string): Promise<string | null> {
    const doc = await this.model
      .findOne({ 'ranges.id': rangeId }, { _id: 1 })
      .lean<{ _id: string }>()
      .exec();
    return doc?._id ?? null;
  }

  /** The host's first write; false when another writer created the schedule first. */
  async insert(hostId: string, ranges: RangeEntry[], events: PendingEvent[]): Promise<boolean> {
    if (events.length > 0) await this.outbox.markPending(hostId);
    try {
      await this.model.create({ _id: hostId, version: 1, ranges, outbox: events });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }

  /**
   * Replaces the ranges and appends the events in one single-document update, if the schedule
   * is still at `version`; false when it moved on meanwhile.
   */
  async replace(
    hostId: string,
    version: number,
    ranges: RangeEntry[],
    events: PendingEvent[],
  ): Promise<boolean> {
    // The relay finds records with pending events by their marker, written first.
    if (events.length > 0) await this.outbox.markPending(hostId);
    const result = await this.model
      .updateOne(
        { _id: hostId, version },
        {
          $set: { ranges },
          $inc: { version: 1 },
          ...(events.length > 0 ? { $push: { outbox: { $each: events } } } : {}),
        },
      )
      .exec();
    return result.modifiedCount === 1;
  }
}
