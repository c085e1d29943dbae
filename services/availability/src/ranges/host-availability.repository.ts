import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { PendingEvent } from '@slotbook/contracts';
import { compareAndSet, initialOutbox, isDuplicateKeyError } from '@slotbook/persistence';
import { HostAvailabilityDocument, RangeHostDocument } from './host-availability.schema';
import type { RangeEntry } from './range-rules';

/** A host's ranges as read, with the version a write of them must still find. */
export interface HostAvailability {
  hostId: string;
  version: number;
  ranges: RangeEntry[];
}

/** The host documents and the range-to-host map; every query is an `_id` lookup. */
@Injectable()
export class HostAvailabilityRepository {
  constructor(
    @InjectModel(HostAvailabilityDocument.name)
    private readonly hosts: Model<HostAvailabilityDocument>,
    @InjectModel(RangeHostDocument.name)
    private readonly rangeHosts: Model<RangeHostDocument>,
  ) {}

  /** The host's ranges, or null for a host that never published any. */
  async find(hostId: string): Promise<HostAvailability | null> {
    // The outbox is left out: it is the relay's, and it grows while the broker is away.
    const doc = await this.hosts
      .findById(hostId, { version: 1, ranges: 1 })
      .lean<Pick<HostAvailabilityDocument, 'version' | 'ranges'>>()
      .exec();
    return doc ? { hostId, version: doc.version, ranges: doc.ranges } : null;
  }

  /**
   * Writes the host's ranges and the events of the change, if the host's document is still
   * the one `read` (null: if the host still has none). False when another writer got there
   * first: decide again on a fresh read.
   */
  async write(
    hostId: string,
    read: HostAvailability | null,
    ranges: RangeEntry[],
    events: PendingEvent[],
  ): Promise<boolean> {
    const now = new Date();
    if (read === null) return this.insert(hostId, ranges, events, now);
    const written = await compareAndSet(
      this.hosts,
      { _id: hostId, version: read.version },
      { ranges, updatedAt: now },
      events,
    );
    return written !== null;
  }

  /** Records the host of a new range, before the range is written (idempotent). */
  async recordRange(rangeId: string, hostId: string): Promise<void> {
    try {
      await this.rangeHosts.create({ _id: rangeId, hostId });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /** The host of a range, or null for an id never used (a range whose write failed has one). */
  async hostOfRange(rangeId: string): Promise<string | null> {
    const doc = await this.rangeHosts.findById(rangeId).lean<RangeHostDocument>().exec();
    return doc?.hostId ?? null;
  }

  /** The host's first write creates its document; two first writers collide on the `_id`. */
  private async insert(
    hostId: string,
    ranges: RangeEntry[],
    events: PendingEvent[],
    now: Date,
  ): Promise<boolean> {
    try {
      await this.hosts.create({
        _id: hostId,
        ranges,
        createdAt: now,
        updatedAt: now,
        ...initialOutbox(events),
      });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  }
}
