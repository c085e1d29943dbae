import { Injectable, Logger } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { DomainError, ErrorCode, type PendingEvent } from '@slotbook/contracts';
import { PendingMarkers, isDuplicateKeyError } from '@slotbook/persistence';
import { ScheduleHeadDocument, ScheduleVersionDocument, versionId } from './host-schedule.schema';
import type { RangeEntry } from './range-rules';

export interface HostSchedule {
  hostId: string;
  version: number;
  ranges: RangeEntry[];
}

/** How many hosts a replica remembers the latest version of (oldest forgotten first). */
const KNOWN_HOSTS = 2_000;
/** Steps of one read along the chain before it gives up (only a relay pruning very fast). */
const MAX_WALK = 100;

/**
 * The chain of a host's schedule versions (see {@link ScheduleVersionDocument}). Reading the
 * latest version starts at a hint (what this replica saw last, else the head document) and
 * follows the chain by `_id` until the next version does not exist; every lookup is by `_id`,
 * the one FerretDB answers from an index, but the one after a reader fell behind the pruning.
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
    readonly versions: Model<ScheduleVersionDocument>,
    @InjectModel(ScheduleHeadDocument.name)
    private readonly headDocs: Model<ScheduleHeadDocument>,
  ) {
    this.markers = new PendingMarkers(versions.db, versions.collection.name);
  }

  async find(hostId: string): Promise<HostSchedule | null> {
    const latest = await this.latest(hostId);
    return latest ? { hostId, version: latest.version, ranges: latest.ranges } : null;
  }

  /**
   * The latest version of the host's schedule, or null for a host that never published.
   * Version ids are never freed, so a missing next version means there is none yet; a
   * tombstone met on the way means the relay pruned past this reader, which then starts again
   * from the newest version that is not pruned.
   */
  async latest(hostId: string): Promise<ScheduleVersionDocument | null> {
    const remembered = this.known.get(hostId);
    const hint = remembered?.version ?? (await this.headOf(hostId));
    let [current, next] = await Promise.all([
      remembered ?? (hint > 0 ? this.version(hostId, hint) : null),
      this.version(hostId, hint + 1),
    ]);
    if (hint > 0 && (!current || current.pruned)) {
      current = await this.newestUnpruned(hostId);
      next = await this.version(hostId, (current?.version ?? 0) + 1);
    }
    for (let steps = 0; next; steps += 1) {
      if (steps >= MAX_WALK) {
        throw new DomainError(ErrorCode.Unavailable, "the host's availability could not be read");
      }
      current = next.pruned ? await this.newestUnpruned(hostId) : next;
      next = await this.version(hostId, (current?.version ?? 0) + 1);
    }
    if (current) this.remember(current);
    return current;
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
    if (events.length > 0) await this.markers.mark(hostId);
    await this.headDocs
      .updateOne({ _id: hostId }, { $max: { version } }, { upsert: true })
      .exec()
      .catch((error: unknown) => {
        // Only a hint: readers find the newer versions by following the chain.
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

  private async newestUnpruned(hostId: string): Promise<ScheduleVersionDocument | null> {
    return this.versions
      .findOne({ hostId, pruned: false })
      .sort({ version: -1 })
      .lean<ScheduleVersionDocument>()
      .exec();
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
    this.known.delete(doc.hostId);
    this.known.set(doc.hostId, doc);
    if (this.known.size > KNOWN_HOSTS) {
      const oldest = this.known.keys().next();
      if (!oldest.done) this.known.delete(oldest.value);
    }
  }
}
