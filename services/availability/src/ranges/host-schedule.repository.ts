import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { PendingEvent } from '@slotbook/contracts';
import { PendingMarkers, isDuplicateKeyError } from '@slotbook/persistence';
import { ScheduleHeadDocument, ScheduleVersionDocument, versionId } from './host-schedule.schema';
import type { RangeEntry } from './range-rules';

export interface HostSchedule {
  hostId: string;
  version: number;
  ranges: RangeEntry[];
}

/** How many hosts a replica remembers the latest version of (oldest forgotten first). */
const KNOWN_HOSTS = 10_000;

/**
 * The chain of a host's schedule versions (see {@link ScheduleVersionDocument}). Reading the
 * latest version starts at a hint (what this replica saw last, else the head document) and
 * follows the chain by `_id` until the next version does not exist; every lookup is by `_id`,
 * the one FerretDB answers from an index.
 */
@Injectable()
export class HostScheduleRepository {
  private readonly logger = new Logger(HostScheduleRepository.name);
  /** Hosts with events the relay has not published yet. */
  readonly markers: PendingMarkers;
  private readonly known = new Map<string, number>();

  constructor(
    @InjectModel(ScheduleVersionDocument.name)
    readonly versions: Model<ScheduleVersionDocument>,
    @InjectModel(ScheduleHeadDocument.name)
    private readonly heads: Model<ScheduleHeadDocument>,
  ) {
    this.markers = new PendingMarkers(versions.db, versions.collection.name);
  }

  async find(hostId: string): Promise<HostSchedule | null> {
    const latest = await this.latest(hostId);
    return latest ? { hostId, version: latest.version, ranges: latest.ranges } : null;
  }

  /** The latest version of the host's schedule, or null for a host that never published. */
  async latest(hostId: string): Promise<ScheduleVersionDocument | null> {
    const hint = this.known.get(hostId) ?? (await this.headOf(hostId));
    let [current, next] = await Promise.all([
      hint > 0 ? this.version(hostId, hint) : null,
      this.version(hostId, hint + 1),
    ]);
    if (hint > 0 && !current && !next) {
      // The hint names a version the relay has removed since: look the latest up instead.
      current = await this.versions
        .findOne({ hostId })
        .sort({ version: -1 })
        .lean<ScheduleVersionDocument>()
        .exec();
    }
    while (next) {
      current = next;
      next = await this.version(hostId, current.version + 1);
    }
    if (current) this.remember(hostId, current.version);
    return current;
  }

  /** The versions from `from` to `to` that still exist, oldest first. */
  async between(hostId: string, from: number, to: number): Promise<ScheduleVersionDocument[]> {
    const found: ScheduleVersionDocument[] = [];
    for (let version = from; version <= to; version += 1) {
      const doc = await this.version(hostId, version);
      if (doc) found.push(doc);
    }
    return found;
  }

  async exists(hostId: string, version: number): Promise<boolean> {
    return (await this.versions.exists({ _id: versionId(hostId, version) })) !== null;
  }

  /** The host whose schedule holds the range, or null. */
  async hostOfRange(rangeId: string): Promise<string | null> {
    const doc = await this.versions
      .findOne({ 'ranges.id': rangeId }, { hostId: 1 })
      .lean<{ hostId: string }>()
      .exec();
    return doc?.hostId ?? null;
  }

  /**
   * Writes version `base + 1` with the ranges and the events of the change, if no other writer
   * made that version first (then false: decide again on the newer version).
   */
  async append(
    hostId: string,
    base: number,
    ranges: RangeEntry[],
    events: PendingEvent[],
  ): Promise<boolean> {
    const version = base + 1;
    // Marked before the write, so the relay finds the events even if this replica dies next.
    if (events.length > 0) await this.markers.mark(hostId);
    try {
      await this.versions.create({
        _id: versionId(hostId, version),
        hostId,
        version,
        ranges,
        events,
        writtenAt: new Date(),
      });
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
    this.remember(hostId, version);
    // And after it: a relay pass may have cleared the first mark before the version existed.
    if (events.length > 0) await this.markers.mark(hostId);
    await this.heads
      .updateOne({ _id: hostId }, { $max: { version } }, { upsert: true })
      .exec()
      .catch((error: unknown) => {
        // Only a hint: readers find the newer versions by following the chain.
        if (!isDuplicateKeyError(error)) this.logger.warn({ err: error, hostId }, 'head not moved');
      });
    return true;
  }

  /** Removes versions older than the one before `relayed`, from `from` on. */
  async prune(hostId: string, from: number, relayed: number): Promise<void> {
    for (let version = Math.max(1, from); version <= relayed - 2; version += 1) {
      await this.versions.deleteOne({ _id: versionId(hostId, version) }).exec();
    }
  }

  private async version(hostId: string, version: number) {
    return this.versions
      .findById(versionId(hostId, version))
      .lean<ScheduleVersionDocument>()
      .exec();
  }

  private async headOf(hostId: string): Promise<number> {
    const head = await this.heads.findById(hostId).lean<ScheduleHeadDocument>().exec();
    return head?.version ?? 0;
  }

  private remember(hostId: string, version: number): void {
    if ((this.known.get(hostId) ?? 0) >= version) return;
    this.known.delete(hostId);
    this.known.set(hostId, version);
    if (this.known.size > KNOWN_HOSTS) {
      const oldest = this.known.keys().next();
      if (!oldest.done) this.known.delete(oldest.value);
    }
  }
}
