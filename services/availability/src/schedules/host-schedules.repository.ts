import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { PendingEvent } from '@slotbook/contracts';
import type { HostAccount } from '../host-accounts/host-account-rules';
import { TermsAnnouncer } from '../host-terms/terms-announcer';
import { HostAvailabilityDocument } from '../ranges/host-availability.schema';
import { storedEventType, type HostSchedules } from './schedule-rules';

/** A host's schedules and event types as read, with the version a write must still find. */
export interface StoredSchedules extends HostSchedules {
  hostId: string;
  version: number;
  /** What identity last said of the account; null when nothing since its registration. */
  account: HostAccount | null;
}

/**
 * The schedules and event types in the host's document (beside its ranges): read by `_id`,
 * written by compare-and-set on the document's version with the change's events in its outbox.
 * A write sets only these two lists, so it never rewrites ranges it did not read.
 */
@Injectable()
export class HostSchedulesRepository {
  constructor(
    @InjectModel(HostAvailabilityDocument.name)
    private readonly hosts: Model<HostAvailabilityDocument>,
    private readonly announcer: TermsAnnouncer,
  ) {}

  /** The host's schedules and event types, or null for a host with no document yet. */
  async find(hostId: string): Promise<StoredSchedules | null> {
    // Ranges and the outbox are left out: they are not decided on here.
    const doc = await this.hosts
      .findById(hostId, { version: 1, schedules: 1, eventTypes: 1, account: 1 })
      .lean<Pick<HostAvailabilityDocument, 'version' | 'schedules' | 'eventTypes' | 'account'>>()
      .exec();
    return doc
      ? {
          hostId,
          version: doc.version,
          schedules: doc.schedules ?? [],
          eventTypes: (doc.eventTypes ?? []).map(storedEventType),
          account: doc.account ?? null,
        }
      : null;
  }

  /**
   * Writes the lists given and the events of the change, if the host's document is still the
   * one `read` (null: if the host still has none). False when another writer got there first:
   * decide again on a fresh read.
   */
  async write(
    hostId: string,
    read: StoredSchedules | null,
    changes: Partial<HostSchedules>,
    events: PendingEvent[],
  ): Promise<boolean> {
    const now = new Date();
    if (read !== null) {
      return this.announcer.update(
        this.hosts,
        hostId,
        read.version,
        { ...changes, updatedAt: now },
        events,
      );
    }
    return this.announcer.create(
      this.hosts,
      {
        _id: hostId,
        ranges: [],
        schedules: changes.schedules ?? [],
        eventTypes: changes.eventTypes ?? [],
        account: null,
        createdAt: now,
        updatedAt: now,
      },
      events,
    );
  }
}
