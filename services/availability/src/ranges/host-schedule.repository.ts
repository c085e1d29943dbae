import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DomainError, ErrorCode, type PendingEvent } from '@slotbook/contracts';
import { PendingMarkers, isDuplicateKeyError } from '@slotbook/persistence';
import {
  RangeHostDocument,
  ScheduleHeadDocument,
  ScheduleVersionDocument,
  versionId,
} from './host-schedule.schema';
import type { RangeEntry } from './range-rules';

export interface HostSchedule {
  hostId: string;
  version: number;
  ranges: RangeEntry[];
}

/** How many hosts a replica remembers the latest version of (oldest forgotten first). */
const KNOWN_HOSTS = 2_000;
/** Searches for the latest version before a read gives up (only a relay pruning very fast). */
const LATEST_ATTEMPTS = 5;

/**
 * The chain of a host's schedule versions (see {@link ScheduleVersionDocument}). The latest
 * version is the highest id that exists, searched from a hint (what this replica saw last,
 * else the head document) with `_id` lookups only, the one kind FerretDB answers from an index.
 */
@Injectable()
export class HostScheduleRepository {
  private readonly logger = new Logger(HostScheduleRepository.name);
  /** Hosts with events the relay has not published yet. */
  readonly markers: PendingMarkers;
  /**
   * The latest version this replica saw of each host. Versions are immutable, so a remembered
   * one is exact: a read only has to ask whether the next version exists.
   */
  private readonly known = new Map<string, ScheduleVersionDocument>();

  constructor(
    @InjectModel(ScheduleVersionDocument.name)
    private readonly versions: Model<ScheduleVersionDocument>,
    @InjectModel(ScheduleHeadDocument.name)
    private readonly headDocs: Model<ScheduleHeadDocument>,
    @InjectModel(RangeHostDocument.name)
    private readonly rangeHosts: Model<RangeHostDocument>,
  ) {
    this.markers = new PendingMarkers(versions.db, versions.collection.name);
  }

  async find(hostId: string): Promise<HostSchedule | null> {
    const latest = await this.latest(hostId);
    return latest ? { hostId, version: latest.version, ranges: latest.ranges } : null;
  }

  /**
   * The latest version of the host's schedule, or null for a host that never published.
   * Version ids are contiguous (a writer only ever adds the one after a version it read) and
   * never freed (pruning leaves tombstones), so the latest is the highest id that exists: found
   * from a floor known to exist by probing ids, each an indexed `_id` lookup. A warm read
   * costs one lookup: is there a version after the one this replica remembers?
   */
  async latest(hostId: string): Promise<ScheduleVersionDocument | null> {
    const remembered = this.known.get(hostId);
    let floor = remembered?.version ?? (await this.headOf(hostId));
    for (let attempt = 0; attempt < LATEST_ATTEMPTS; attempt += 1) {
      const top = await this.highestFrom(hostId, floor);
      if (top === 0) return null;
      if (remembered && top === remembered.version) return remembered;
      const doc = await this.version(hostId, top);
      // Pruned only once two newer versions exist: look again from there.
      if (doc && !doc.pruned) {
        this.remember(doc);
        return doc;
      }
      floor = top;
    }
    throw new DomainError(ErrorCode.Unavailable, "the host's availability could not be read");
  }

  /** The versions from `from` to `to` that are not pruned, oldest first. */
  async between(hostId: string, from: number, to: number): Promise<ScheduleVersionDocument[]> {
    const found: ScheduleVersionDocument[] = [];
    for (let version = from; version <= to; version += 1) {
      const doc = await this.version(hostId, version);
      if (doc && !doc.pruned) found.push(doc);
    }
    return found;
  }

  async exists(hostId: string, version: number): Promise<boolean> {
    return (await this.versions.exists({ _id: versionId(hostId, version) })) !== null;
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
    const doc: ScheduleVersionDocument = {
      _id: versionId(hostId, version),
      hostId,
      version,
      ranges,
      events,
      writtenAt: new Date(),
      pruned: false,
    };
    try {
      await this.versions.create(doc);
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
    this.remember(doc);
    // And after it: a relay pass may have cleared the first mark before the version existed.
    // The version is written: a failure here must not fail the change (the sweep marks it).
    if (events.length > 0) {
      await this.markers.mark(hostId).catch((error: unknown) => {
        this.logger.warn({ err: error, hostId }, 'host not marked again; the sweep will');
      });
    }
    await this.headDocs
      .updateOne({ _id: hostId }, { $max: { version } }, { upsert: true })
      .exec()
      .catch((error: unknown) => {
        // Only a hint: readers search upwards from it.
        if (!isDuplicateKeyError(error)) this.logger.warn({ err: error, hostId }, 'head not moved');
      });
    return true;
  }

  /**
   * Turns versions `from` to `to` into tombstones: their ranges and events are dropped, their
   * ids stay taken. Overwriting an immutable version with the same tombstone is idempotent, so
   * FerretDB's non-atomic update is safe here.
   */
  async prune(hostId: string, from: number, to: number): Promise<void> {
    for (let version = Math.max(1, from); version <= to; version += 1) {
      await this.versions
        .updateOne(
          { _id: versionId(hostId, version) },
          { $set: { pruned: true, ranges: [], events: [] } },
        )
        .exec();
    }
  }

  /** Every host's head: the version its last writer knew of (a lower bound of the latest). */
  async heads(): Promise<Array<{ hostId: string; version: number }>> {
    const docs = await this.headDocs.find({}).lean<ScheduleHeadDocument[]>().exec();
    return docs.map((doc) => ({ hostId: doc._id, version: doc.version }));
  }

  /** The highest version id that exists, from `floor` (0, or an id known to exist) on. */
  private async highestFrom(hostId: string, floor: number): Promise<number> {
    let low = floor;
    let high = 0;
    // Gallop: floor + 1, + 2, + 4, ... until an id is missing; then halve the gap.
    for (let step = 1; high === 0; step *= 2) {
      if (await this.exists(hostId, low + step)) low += step;
      else high = low + step;
    }
    while (high - low > 1) {
      const middle = Math.floor((low + high) / 2);
      if (await this.exists(hostId, middle)) low = middle;
      else high = middle;
    }
    return low;
  }

  private async version(hostId: string, version: number) {
    return this.versions
      .findById(versionId(hostId, version))
      .lean<ScheduleVersionDocument>()
      .exec();
  }

  private async headOf(hostId: string): Promise<number> {
    const head = await this.headDocs.findById(hostId).lean<ScheduleHeadDocument>().exec();
    return head?.version ?? 0;
  }

  private remember(doc: ScheduleVersionDocument): void {
    if ((this.known.get(doc.hostId)?.version ?? 0) >= doc.version) return;
    // Handed out to every reader of the host: nobody may change it.
    Object.freeze(doc.ranges);
    doc.ranges.forEach((range) => Object.freeze(range));
    this.known.delete(doc.hostId);
    this.known.set(doc.hostId, doc);
    if (this.known.size > KNOWN_HOSTS) {
      const oldest = this.known.keys().next();
      if (!oldest.done) this.known.delete(oldest.value);
    }
  }
}
