import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { PendingEvent } from '@slotbook/contracts';
import type { OutboxStore } from '@slotbook/messaging';
import { RecordMutex, isDuplicateKeyError } from '@slotbook/persistence';
import { HostScheduleRepository } from './host-schedule.repository';
import { ScheduleRelayDocument } from './host-schedule.schema';

/** Versions one pass publishes at most, so that a backlog is recorded bit by bit. */
const VERSIONS_PER_PASS = 50;
/** How often a replica's relay looks for hosts whose events lost their marker. */
const SWEEP_INTERVAL_MS = 60_000;
/** Hosts the sweep looks at concurrently. */
const SWEEP_CONCURRENCY = 4;

/**
 * Availability's outbox: the events of each change live in the schedule version the change
 * wrote, and the relay publishes the versions after the host's `relayed` mark, oldest first,
 * then prunes all but the last two versions to tombstones and moves the mark. A relay that
 * dies or stalls midway only publishes some events again (subscribers de-duplicate by id);
 * the lock it takes just keeps two relays from doing so routinely. Even a relay that outlived
 * its lock only records what the broker confirmed to it, and version ids are never freed, so
 * its late bookkeeping cannot hide a newer version.
 */
@Injectable()
export class HostScheduleOutbox implements OutboxStore {
  private readonly logger = new Logger(HostScheduleOutbox.name);
  private lastSweep = 0;
  private sweeping = false;

  constructor(
    private readonly schedules: HostScheduleRepository,
    @InjectModel(ScheduleRelayDocument.name)
    private readonly progress: Model<ScheduleRelayDocument>,
    private readonly mutex: RecordMutex,
  ) {}

  async pending(limit: number): Promise<string[]> {
    if (!this.sweeping && Date.now() - this.lastSweep >= SWEEP_INTERVAL_MS) {
      this.lastSweep = Date.now();
      this.sweeping = true;
      // In the background: the relay does not wait for it.
      void this.sweep()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'outbox sweep failed'))
        .finally(() => (this.sweeping = false));
    }
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
      const relayed = await this.relayedOf(hostId);
      const last = Math.min(latest.version, relayed + VERSIONS_PER_PASS);
      const waiting = await this.schedules.between(hostId, relayed + 1, last);
      const events = waiting.flatMap((version) => version.events);
      const confirmed = new Set(events.length > 0 ? await publish(events) : []);
      // The mark moves past a version only when the broker confirmed every one of its events.
      const unconfirmed = waiting.find((version) =>
        version.events.some((event) => !confirmed.has(event.id)),
      );
      const upTo = unconfirmed ? unconfirmed.version - 1 : last;
      if (upTo > relayed) {
        // Pruned first, then recorded: a pass that dies in between only prunes again.
        await this.schedules.prune(hostId, relayed - 1, upTo - 2);
        await this.record(hostId, upTo);
      }
      if (upTo === latest.version) {
        await this.schedules.markers.clear(hostId);
        // A version written meanwhile may have found the marker still there: mark it again.
        if (await this.schedules.exists(hostId, upTo + 1)) {
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

  /**
   * Marks every host with versions beyond its relayed mark. A replica that dies between
   * writing a version and marking it again, just as a relay cleared the first mark, leaves
   * such a host behind; without the sweep its events would wait for the host's next change.
   */
  private async sweep(): Promise<void> {
    const [heads, progress] = await Promise.all([
      this.schedules.heads(),
      this.progress.find({}).lean<ScheduleRelayDocument[]>().exec(),
    ]);
    const relayed = new Map(progress.map((doc) => [doc._id, doc.relayed]));
    const queue = [...heads];
    const worker = async () => {
      for (let head = queue.pop(); head; head = queue.pop()) {
        const mark = relayed.get(head.hostId) ?? 0;
        if (
          head.version > mark ||
          (await this.schedules.exists(head.hostId, Math.max(head.version, mark) + 1))
        ) {
          await this.schedules.markers.mark(head.hostId);
        }
      }
    };
    await Promise.all(Array.from({ length: SWEEP_CONCURRENCY }, worker));
  }

  /**
   * Moves the host's mark forward. `$max` is read-modify-write on FerretDB, so two relays
   * racing can set it back: then some events are only published again.
   */
  private async record(hostId: string, relayed: number): Promise<void> {
    const move = () =>
      this.progress.updateOne({ _id: hostId }, { $max: { relayed } }, { upsert: true }).exec();
    try {
      await move();
    } catch (error) {
      // Two first upserts at once: the other created the document; move it now.
      if (!isDuplicateKeyError(error)) throw error;
      await move();
    }
  }

  private async relayedOf(hostId: string): Promise<number> {
    const doc = await this.progress.findById(hostId).lean<ScheduleRelayDocument>().exec();
    return doc?.relayed ?? 0;
  }
}
