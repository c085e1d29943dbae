import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import {
  AVAILABILITY_QUEUE,
  AvailabilityCommand,
  BookableRanges,
  DomainError,
  ErrorCode,
  IDENTITY_QUEUE,
  IdentityCommand,
  VerifiedEventTypeSlot,
  VerifiedSlot,
  type User,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { MINUTE_MS, NO_BUFFERS } from '@slotbook/scheduling';
import type { SlotTerms } from './booking';

const DAY_MS = 24 * 60 * MINUTE_MS;
/** A range spans at most 31 days, so one starting this long before a slot may hold it. */
const RANGE_REACH_MS = 31 * DAY_MS;
/** How far past a slot a fetch of a host's ranges looks, for the next bookings of that host. */
const RANGES_AHEAD_MS = 62 * DAY_MS;

interface KnownRanges {
  /** Slots starting in [from, to) are decided by `ranges`. */
  from: number;
  to: number;
  ranges: Array<{ start: number; end: number; slotMs: number }>;
}

/**
 * What booking asks availability (and identity) about a slot: its terms, and whether it is
 * still a slot. An event type's slot is verified before its time is held, since schedule and
 * event-type changes never touch existing bookings (SPEC §4a). A range's is verified while its
 * time is held, so that a range change, which looks for held time after it has stopped new
 * bookings, always sees it; the time to hold comes from the host's ranges as last fetched.
 */
@Injectable()
export class SlotTermsClient {
  private readonly knownRanges = new LRUCache<string, KnownRanges>({
    max: 10_000,
    ttl: 5 * 60_000,
  });

  /** Fetches under way, one per host: a burst of creates for a new host asks once. */
  private readonly fetching = new Map<string, Promise<KnownRanges>>();

  constructor(private readonly bus: CommandBus) {}

  /**
   * The event type's slot at `startTime` and its host: 404 for an unknown event type or a host
   * that cannot be booked; 422 when it is not a slot now. When `moving` a booking of it, an
   * event type that no longer exists is an illegal transition (409), not an unknown record.
   */
  async ofEventType(
    eventTypeId: string,
    startTime: Date,
    { moving = false } = {},
  ): Promise<SlotTerms> {
    try {
      const slot = VerifiedEventTypeSlot.parse(
        await this.bus.send(AVAILABILITY_QUEUE, AvailabilityCommand.VerifyEventTypeSlot, {
          eventTypeId,
          startTime,
        }),
      );
      return {
        hostId: slot.hostId,
        endTime: new Date(slot.endTime),
        requiresConfirmation: slot.requiresConfirmation,
        rangeId: null,
        eventTypeId,
        buffers: { bufferBefore: slot.bufferBefore, bufferAfter: slot.bufferAfter },
      };
    } catch (error) {
      if (moving && error instanceof DomainError && error.code === ErrorCode.NotFound) {
        throw new DomainError(
          ErrorCode.InvalidTransition,
          "the booking's event type no longer exists or cannot be booked",
        );
      }
      throw error;
    }
  }

  /**
   * Where the range slot at `startTime` ends, by the host's ranges as last fetched (fetched
   * again when they do not say): the time to hold before availability confirms the slot. A
   * start that is no slot of them is left to availability to refuse with its reason.
   */
  async expectedRangeEnd(hostId: string, startTime: Date): Promise<Date> {
    const at = startTime.getTime();
    let known = this.knownRanges.get(hostId);
    if (!known || at < known.from || at >= known.to) known = await this.fetchOnce(hostId, at);
    const range = known.ranges.find(
      (r) => at >= r.start && at + r.slotMs <= r.end && (at - r.start) % r.slotMs === 0,
    );
    if (range) return new Date(at + range.slotMs);
    return (await this.ofRange(hostId, startTime)).endTime;
  }

  /** Drops what is known of the host's ranges: availability said otherwise. */
  forget(hostId: string): void {
    this.knownRanges.delete(hostId);
  }

  /**
   * Availability's word on the range slot at `startTime`: 422 when it is not a slot of the
   * host's availability (404 when the host itself does not exist or cannot be booked), 409
   * while the host's availability around it is being changed.
   */
  async ofRange(hostId: string, startTime: Date): Promise<SlotTerms> {
    let slot: VerifiedSlot;
    try {
      slot = VerifiedSlot.parse(
        await this.bus.send(AVAILABILITY_QUEUE, AvailabilityCommand.VerifySlot, {
          hostId,
          startTime,
        }),
      );
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.ValidationFailed) {
        await this.requireHost(hostId);
      }
      throw error;
    }
    return {
      hostId,
      endTime: new Date(slot.endTime),
      requiresConfirmation: slot.requiresConfirmation,
      rangeId: slot.rangeId,
      eventTypeId: null,
      buffers: NO_BUFFERS,
    };
  }

  private fetchOnce(hostId: string, at: number): Promise<KnownRanges> {
    let fetch = this.fetching.get(hostId);
    if (!fetch) {
      fetch = this.fetchRanges(hostId, at)
        .then((known) => {
          this.knownRanges.set(hostId, known);
          return known;
        })
        .finally(() => this.fetching.delete(hostId));
      this.fetching.set(hostId, fetch);
    }
    return fetch;
  }

  private async fetchRanges(hostId: string, at: number): Promise<KnownRanges> {
    const from = at - RANGE_REACH_MS;
    const to = at + RANGES_AHEAD_MS;
    const { data } = BookableRanges.parse(
      await this.bus.send(AVAILABILITY_QUEUE, AvailabilityCommand.ListBookableRanges, {
        hostId,
        from: new Date(from),
        to: new Date(to),
      }),
    );
    return {
      // Ranges reaching back before `from` are not in the answer: only starts they cannot hold.
      from: from + RANGE_REACH_MS,
      to,
      ranges: data.map((range) => ({
        start: Date.parse(range.startTime),
        end: Date.parse(range.endTime),
        slotMs: range.slotDuration * MINUTE_MS,
      })),
    };
  }

  /** 404 unless `hostId` is a HOST's account (never reveals other accounts). */
  private async requireHost(hostId: string): Promise<void> {
    let user: User;
    try {
      user = await this.bus.send<User>(IDENTITY_QUEUE, IdentityCommand.GetUser, { userId: hostId });
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound)
        throw DomainError.notFound('host');
      throw error;
    }
    if (user.role !== 'HOST' || !user.active) throw DomainError.notFound('host');
  }
}
