import { Inject, Injectable, Logger } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  AVAILABILITY_EXCHANGE,
  AvailabilityEvent,
  DomainError,
  ErrorCode,
  type Actor,
  type AvailabilityRange,
  type AvailabilityRangeList,
  type BookableRanges,
  type CreateRangeCommand,
  type DeleteRangeCommand,
  type ListBookableRangesCommand,
  type ListRangesCommand,
  type PendingEvent,
  type UpdateRangeCommand,
} from '@slotbook/contracts';
import { newEvent } from '@slotbook/messaging';
import { LOST_RACE, RecordChanges } from '@slotbook/persistence';
import { AVAILABILITY_CONFIG, type AvailabilityConfig } from '../config';
import { isBookable } from '../host-accounts/host-account-rules';
import { HeldSlotsClient } from './held-slots.client';
import { HostDirectory } from './host-directory.client';
import { HostAvailabilityRepository } from './host-availability.repository';
import { HostWriteQueue } from './host-write-queue';
import {
  LEASE_MARGIN_MS,
  ORPHAN_CHECKS,
  ORPHAN_RECHECK_MS,
  WRITE_WAIT_MS,
} from './range-change.timing';
import { toBookableRange, toRange } from './range.mapper';
import {
  assertNoOverlap,
  assertValidPatch,
  assertValidSpan,
  heldSlotsLeftOutside,
  isChanging,
  keepsEverySlot,
  patched,
  rangesInWindow,
  resolveWindow,
  sortedByStart,
  withLease,
  withoutLease,
  type RangeEntry,
  type RangeSpan,
} from './range-rules';

const RANGE_BEING_CHANGED = 'the range is being changed by another request; retry';
const HOST_BUSY = "the host's availability is being changed by another request; retry";

/** What a write decided: the host's ranges after it (null: nothing to write), its events. */
interface Decision<T> {
  ranges: RangeEntry[] | null;
  events: PendingEvent[];
  result: T;
}

/** A PATCH or DELETE that holds a range's lease while booking is asked about the range. */
interface Lease {
  rangeId: string;
  changeId: string;
  before: RangeEntry;
}

@Injectable()
export class RangesService {
  private readonly logger = new Logger(RangesService.name);

  constructor(
    @Inject(AVAILABILITY_CONFIG) private readonly config: AvailabilityConfig,
    private readonly hostRanges: HostAvailabilityRepository,
    private readonly changes: RecordChanges,
    private readonly writeQueue: HostWriteQueue,
    private readonly hosts: HostDirectory,
    private readonly heldSlots: HeldSlotsClient,
  ) {}

  async create(command: CreateRangeCommand): Promise<AvailabilityRange> {
    const { actor } = command;
    const hostId = await this.publisherHost(actor, command.hostId);
    const span: RangeSpan = {
      startTime: command.startTime,
      endTime: command.endTime,
      slotDuration: command.slotDuration,
    };
    assertValidSpan(span, new Date());
    const id = randomUUID();
    await this.hostRanges.recordHost(id, hostId);
    return this.write(hostId, (ranges, now) => {
      assertNoOverlap(ranges, span);
      const entry: RangeEntry = {
        id,
        ...span,
        requiresConfirmation: command.requiresConfirmation,
        createdAt: now,
        updatedAt: now,
        changingUntil: null,
        changeId: null,
      };
      const record = toRange(hostId, entry);
      return {
        ranges: sortedByStart([...ranges, entry]),
        events: [
          newEvent(AVAILABILITY_EXCHANGE, AvailabilityEvent.RangeCreated, record, actor.id, now),
        ],
        result: record,
      };
    });
  }

  async list({ hostId, query }: ListRangesCommand): Promise<AvailabilityRangeList> {
    const now = new Date();
    const { from, to } = resolveWindow(query, now);
    const stored = await this.hostRanges.find(hostId);
    return {
      data: rangesInWindow(stored?.ranges ?? [], from, to).map((range) => toRange(hostId, range)),
    };
  }

  /** An account that cannot be booked (deactivated, or no longer a HOST) offers nothing. */
  async listBookable({ hostId, from, to }: ListBookableRangesCommand): Promise<BookableRanges> {
    const now = new Date();
    const stored = await this.hostRanges.find(hostId);
    if (!isBookable(stored?.account ?? null)) return { data: [] };
    return {
      data: rangesInWindow(stored?.ranges ?? [], from, to)
        .filter((range) => !isChanging(range, now))
        .map(toBookableRange),
    };
  }

  /**
   * A change that keeps every slot of the range (an extension, a new requiresConfirmation) is
   * one write. Any other first takes the range's lease, asks booking for the slots held in the
   * range, and applies the change only if each of them is still a whole slot of the result.
   */
  async update({ actor, rangeId, changes }: UpdateRangeCommand): Promise<AvailabilityRange> {
    requireWriter(actor);
    const hostId = await this.hostOf(actor, rangeId);
    const plan = await this.write<AvailabilityRange | { lease: Lease }>(hostId, (ranges, now) => {
      const before = rangeIn(ranges, rangeId);
      if (isChanging(before, now)) throw new DomainError(ErrorCode.Conflict, RANGE_BEING_CHANGED);
      const after = patched(before, changes);
      assertValidPatch(before, after, now);
      assertNoOverlap(ranges, after, rangeId);
      if (keepsEverySlot(before, after)) {
        return this.applied(hostId, ranges, after, actor, now);
      }
      return this.leased(ranges, before, now);
    });
    if (!('lease' in plan)) return plan;
    const { lease } = plan;
    const after = patched(lease.before, changes);
    return this.underLease(hostId, lease, async () => {
      await this.refuseOrphans(hostId, lease.before, after);
      return this.write(hostId, (ranges, now) => {
        leaseHolder(ranges, lease, now);
        assertNoOverlap(ranges, after, rangeId);
        return this.applied(hostId, ranges, after, actor, now);
      });
    });
  }

  /** Deleting takes the lease, and goes ahead only if booking holds no slot of the range. */
  async delete({ actor, rangeId }: DeleteRangeCommand): Promise<void> {
    requireWriter(actor);
    const hostId = await this.hostOf(actor, rangeId);
    const { lease } = await this.write(hostId, (ranges, now) => {
      const before = rangeIn(ranges, rangeId);
      if (isChanging(before, now)) throw new DomainError(ErrorCode.Conflict, RANGE_BEING_CHANGED);
      return this.leased(ranges, before, now);
    });
    await this.underLease(hostId, lease, async () => {
      await this.refuseOrphans(hostId, lease.before, null);
      await this.write(hostId, (ranges, now) => {
        const current = leaseHolder(ranges, lease, now);
        const record = toRange(hostId, current);
        return {
          ranges: ranges.filter((range) => range.id !== rangeId),
          events: [
            newEvent(AVAILABILITY_EXCHANGE, AvailabilityEvent.RangeDeleted, record, actor.id, now),
          ],
          result: undefined,
        };
      });
    });
  }

  /** The decision that writes `after` in place of its range, with its `updated` event. */
  private applied(
    hostId: string,
    ranges: RangeEntry[],
    after: RangeEntry,
    actor: Actor,
    now: Date,
  ): Decision<AvailabilityRange> {
    const updated = withoutLease({ ...after, updatedAt: now });
    const record = toRange(hostId, updated);
    return {
      ranges: sortedByStart(ranges.map((range) => (range.id === updated.id ? updated : range))),
      events: [
        newEvent(AVAILABILITY_EXCHANGE, AvailabilityEvent.RangeUpdated, record, actor.id, now),
      ],
      result: record,
    };
  }

  /** The decision that marks a range as changing, for this change only. */
  private leased(ranges: RangeEntry[], before: RangeEntry, now: Date): Decision<{ lease: Lease }> {
    const changeId = randomUUID();
    const until = new Date(now.getTime() + this.config.CHANGE_LEASE_MS);
    return {
      ranges: ranges.map((range) =>
        range.id === before.id ? withLease(range, changeId, until) : range,
      ),
      events: [],
      result: { lease: { rangeId: before.id, changeId, before } },
    };
  }

  /**
   * 409 when the change would leave an active booking outside every range; 503 without
   * booking. A booking racing this change may show a claim that it is about to give up (its
   * confirmation meets the lease), so a refusal is looked at again shortly before it stands:
   * otherwise both would lose.
   */
  private async refuseOrphans(
    hostId: string,
    before: RangeEntry,
    after: RangeSpan | null,
  ): Promise<void> {
    const leaseEnds = Date.now() + this.config.CHANGE_LEASE_MS;
    for (let check = 1; ; check += 1) {
      const held = await this.heldSlots.list(hostId, before.startTime, before.endTime);
      const outside = heldSlotsLeftOutside(after, held);
      if (outside.length === 0) return;
      const timeLeft = leaseEnds - Date.now() - this.config.RPC_TIMEOUT_MS - LEASE_MARGIN_MS;
      if (check >= ORPHAN_CHECKS || timeLeft < ORPHAN_RECHECK_MS) {
        throw new DomainError(
          ErrorCode.Conflict,
          `the change would leave ${outside.length} active booking(s) outside every range`,
          { bookedSlots: outside.map((slot) => slot.startTime.toISOString()) },
        );
      }
      await new Promise((resolve) => setTimeout(resolve, ORPHAN_RECHECK_MS));
    }
  }

  /** Runs the rest of a change; if it fails, the lease is given back at once (else it expires). */
  private async underLease<T>(hostId: string, lease: Lease, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      await this.write(hostId, (ranges) => ({
        ranges: ranges.some((range) => range.changeId === lease.changeId)
          ? ranges.map((range) => (range.changeId === lease.changeId ? withoutLease(range) : range))
          : null,
        events: [],
        result: undefined,
      })).catch((releaseError: unknown) =>
        this.logger.warn({ err: releaseError, rangeId: lease.rangeId }, 'lease left to expire'),
      );
      throw error;
    }
  }

  /**
   * One read-decide-write of the host's ranges: read the host's document, decide on it, write
   * it back by compare-and-set on the version read. If another writer changed it first, this
   * one decides again on the newer ranges. The write queue only keeps this replica's writers
   * from crowding. `decide` throws to refuse.
   */
  private async write<T>(
    hostId: string,
    decide: (ranges: RangeEntry[], now: Date) => Decision<T>,
  ): Promise<T> {
    const decision = await this.writeQueue.around(hostId, () =>
      this.changes.of(
        async () => {
          const read = await this.hostRanges.find(hostId);
          const decided = decide(read?.ranges ?? [], new Date());
          if (decided.ranges === null) return decided;
          const written = await this.hostRanges.write(hostId, read, decided.ranges, decided.events);
          return written ? decided : LOST_RACE;
        },
        { budgetMs: WRITE_WAIT_MS, busy: HOST_BUSY },
      ),
    );
    return decision.result;
  }

  /** Whose availability a POST creates: a HOST's own; an ADMIN's choice of an active HOST. */
  private async publisherHost(actor: Actor, hostId: string | undefined): Promise<string> {
    requireWriter(actor);
    if (actor.role === 'HOST') {
      if (hostId !== undefined && hostId !== actor.id) {
        throw new DomainError(
          ErrorCode.Forbidden,
          'a host may publish only their own availability',
        );
      }
      return actor.id;
    }
    if (hostId === undefined) {
      throw DomainError.validation('the host is missing', [
        { path: 'hostId', message: 'is required when an admin publishes availability' },
      ]);
    }
    await this.hosts.requireHost(hostId);
    return hostId;
  }

  /** The host of a range the actor may change; 404 for anyone else's (never revealed). */
  private async hostOf(actor: Actor, rangeId: string): Promise<string> {
    const hostId = await this.hostRanges.hostOf(rangeId);
    if (!hostId || (actor.role !== 'ADMIN' && hostId !== actor.id)) {
      throw DomainError.notFound('availability range');
    }
    return hostId;
  }
}

/** Services re-check roles: the bus is not trusted to carry only what the gateway allowed. */
function requireWriter(actor: Actor): void {
  if (actor.role !== 'HOST' && actor.role !== 'ADMIN') {
    throw new DomainError(ErrorCode.Forbidden, 'only a host or an admin may change availability');
  }
}

function rangeIn(ranges: RangeEntry[], rangeId: string): RangeEntry {
  const range = ranges.find((candidate) => candidate.id === rangeId);
  if (!range) throw DomainError.notFound('availability range');
  return range;
}

/**
 * The range, if this change still holds its lease with time to spare. Past that, a booking
 * could already have been confirmed against the old range, so the change gives up.
 */
function leaseHolder(ranges: RangeEntry[], lease: Lease, now: Date): RangeEntry {
  const range = ranges.find((candidate) => candidate.id === lease.rangeId);
  if (!range || range.changeId !== lease.changeId) {
    throw new DomainError(ErrorCode.Conflict, RANGE_BEING_CHANGED);
  }
  if (!range.changingUntil || range.changingUntil.getTime() - now.getTime() < LEASE_MARGIN_MS) {
    throw new DomainError(ErrorCode.Unavailable, 'the change took too long; retry');
  }
  return range;
}
