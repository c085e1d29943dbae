import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { PendingEvent } from '@slotbook/contracts';
import type { OutboxStore } from '@slotbook/messaging';
import { RecordMutex } from '@slotbook/persistence';
import { HostScheduleRepository } from './host-schedule.repository';
import { ScheduleRelayDocument } from './host-schedule.schema';

/**
 * Availability's outbox: the events of each change live in the schedule version the change
 * wrote, and the relay publishes the versions after the host's `relayed` mark, oldest first,
 * then moves the mark and removes the versions nobody needs any more (all but the last two).
 * A relay that dies or stalls midway only publishes some events again (subscribers
 * de-duplicate by id); the lock it takes just keeps two relays from doing so routinely.
 */
@Injectable()
export class HostScheduleOutbox implements OutboxStore {
  constructor(
    private readonly schedules: HostScheduleRepository,
    @InjectModel(ScheduleRelayDocument.name)
    private readonly progress: Model<ScheduleRelayDocument>,
    private readonly mutex: RecordMutex,
  ) {}

  pending(limit: number): Promise<string[]> {
    return this.schedules.markers.list(limit);
  }

  async relay(
    hostId: string,
    leaseMs: number,
    publish: (events: PendingEvent[]) => Promise<string[]>,
  ): Promise<number> {
    const release = await this.mutex.tryAcquire(`host_schedule_relay:${hostId}`, {
      leaseMs,
      waitMs: 0,
    });
    if (!release) return 0;
    try {
      const latest = await this.schedules.latest(hostId);
      if (!latest) {
        await this.schedules.markers.clearIfOrphaned(hostId);
        return 0;
      }
      const progress = await this.progress.findById(hostId).lean<ScheduleRelayDocument>().exec();
      const relayed = progress?.relayed ?? 0;
      const waiting = await this.schedules.between(hostId, relayed + 1, latest.version);
      const events = waiting.flatMap((version) => version.events);
      const confirmed = new Set(events.length > 0 ? await publish(events) : []);
      // The mark moves past a version only when the broker confirmed every one of its events.
      const unconfirmed = waiting.find((version) =>
        version.events.some((event) => !confirmed.has(event.id)),
      );
      const upTo = unconfirmed ? unconfirmed.version - 1 : latest.version;
      if (upTo > relayed) {
        await this.progress
          .updateOne({ _id: hostId }, { $max: { relayed: upTo } }, { upsert: true })
          .exec();
        await this.schedules.prune(hostId, relayed - 1, upTo);
      }
      if (upTo === latest.version) {
        await this.schedules.markers.clear(hostId);
        // A version written meanwhile may have found the marker still there: mark it again.
        if (await this.schedules.exists(hostId, latest.version + 1)) {
          await this.schedules.markers.mark(hostId);
        }
      }
      return waiting
        .filter((version) => version.version <= upTo)
        .reduce((count, version) => count + version.events.length, 0);
    } finally {
      await release();
    }
  }
}
