import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import { LRUCache } from 'lru-cache';
import type { Model } from 'mongoose';
import type { PendingEvent } from '@slotbook/contracts';
import { LOST_RACE, isDuplicateKeyError } from '@slotbook/persistence';
import { supersedes, type HostAccount } from '../host-accounts/host-account-rules';
import { TermsAnnouncer } from '../host-terms/terms-announcer';
import { HostAvailabilityDocument, RecordHostDocument } from './host-availability.schema';
import {
  storedEventType,
  type EventTypeEntry,
  type ScheduleEntry,
} from '../schedules/schedule-rules';
import type { RangeEntry } from './range-rules';

/** A host's ranges as read, with the version a write of them must still find. */
export interface HostAvailability {
  hostId: string;
  version: number;
  ranges: RangeEntry[];
  /** What identity last said of the account; null when nothing since its registration. */
  account: HostAccount | null;
}

export interface HostTermsRead {
  version: number;
  ranges: RangeEntry[];
  account: HostAccount | null;
  schedules: ScheduleEntry[];
  eventTypes: EventTypeEntry[];
}

/** The host documents and the record-to-host map; every query is an `_id` lookup. */
@Injectable()
export class HostAvailabilityRepository {
  constructor(
    @InjectModel(HostAvailabilityDocument.name)
    private readonly hosts: Model<HostAvailabilityDocument>,
    @InjectModel(RecordHostDocument.name)
    private readonly recordHosts: Model<RecordHostDocument>,
    private readonly announcer: TermsAnnouncer,
  ) {}

  /** A record's host never changes (the map is insert-only), so what was read stays true. */
  private readonly hostOfRecord = new LRUCache<string, string>({ max: 50_000 });

  /** The host's ranges, or null for a host that never published any. */
  async find(hostId: string): Promise<HostAvailability | null> {
    // The outbox is left out: it is the relay's, and it grows while the broker is away.
    const doc = await this.hosts
      .findById(hostId, { version: 1, ranges: 1, account: 1 })
      .lean<Pick<HostAvailabilityDocument, 'version' | 'ranges' | 'account'>>()
      .exec();
    return doc
      ? { hostId, version: doc.version, ranges: doc.ranges, account: doc.account ?? null }
      : null;
  }

  /** Everything booking decides the host's slots by (see HostTermsService). */
  async findTerms(hostId: string): Promise<HostTermsRead | null> {
    const doc = await this.hosts
      .findById(hostId, { version: 1, ranges: 1, account: 1, schedules: 1, eventTypes: 1 })
      .lean<HostTermsRead>()
      .exec();
    return doc
      ? {
          version: doc.version,
          ranges: doc.ranges,
          account: doc.account ?? null,
          schedules: doc.schedules ?? [],
          eventTypes: (doc.eventTypes ?? []).map(storedEventType),
        }
      : null;
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
    if (read === null) return this.insert(hostId, { ranges, account: null }, events, now);
    return this.announcer.update(
      this.hosts,
      hostId,
      read.version,
      { ranges, updatedAt: now },
      events,
    );
  }

  /**
   * Writes down what an event says of the host's account, unless what is stored is as new
   * (see {@link supersedes}): so redelivered and reordered events are harmless. One
   * compare-and-set on the document's version like every write of it (the host's first write
   * inserts the document); LOST_RACE when another write got there first: decide again.
   */
  async recordAccount(hostId: string, account: HostAccount): Promise<void | typeof LOST_RACE> {
    const read = await this.find(hostId);
    if (!supersedes(account, read?.account ?? null)) return;
    const now = new Date();
    const written = read
      ? await this.announcer.update(
          this.hosts,
          hostId,
          read.version,
          { account, updatedAt: now },
          [],
        )
      : await this.insert(hostId, { ranges: [], account }, [], now);
    return written ? undefined : LOST_RACE;
  }

  /**
   * Records the host of a new range, schedule or event type, before the record is written
   * (idempotent).
   */
  async recordHost(recordId: string, hostId: string): Promise<void> {
    try {
      await this.recordHosts.create({ _id: recordId, hostId });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /**
   * The host of a range, schedule or event type, or null for an id never used (a record whose
   * write failed has one: its host's document decides whether it exists).
   */
  async hostOf(recordId: string): Promise<string | null> {
    const known = this.hostOfRecord.get(recordId);
    if (known !== undefined) return known;
    const doc = await this.recordHosts.findById(recordId).lean<RecordHostDocument>().exec();
    if (doc) this.hostOfRecord.set(recordId, doc.hostId);
    return doc?.hostId ?? null;
  }

  /** The host's first write creates its document; two first writers collide on the `_id`. */
  private async insert(
    hostId: string,
    { ranges, account }: Pick<HostAvailability, 'ranges' | 'account'>,
    events: PendingEvent[],
    now: Date,
  ): Promise<boolean> {
    return this.announcer.create(
      this.hosts,
      {
        _id: hostId,
        ranges,
        account,
        schedules: [],
        eventTypes: [],
        createdAt: now,
        updatedAt: now,
      },
      events,
    );
  }
}
