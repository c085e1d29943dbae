import { Injectable } from '@nestjs/common';
import {
  GetBookableEventType,
  ListBookableRanges,
  ListBusyTime,
  type Actor,
  type BookableRanges,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import {
  DAY_MS,
  MINUTE_MS,
  eventTypeSlots,
  freeSlots,
  heldStartsAround,
  scheduleIntervals,
  seatedFreeSlots,
  slotsToJson,
  withoutOverlaps,
  type GroupSlot,
  type Interval,
  type SlotGrid,
} from '@slotbook/scheduling';
import { LRUCache } from 'lru-cache';

/**
 * Free slots, derived here from what availability (a handful of ranges, or one event type and
 * its schedule) and booking (the host's occupied time) answer, so what crosses the bus stays
 * small whatever the window. Both are asked in parallel; an event type's host is remembered
 * (it never changes) so that its second listing need not wait for the first answer.
 */
@Injectable()
export class FreeSlotsFinder {
  private readonly hostOfEventType = new LRUCache<string, string>({ max: 10_000 });

  constructor(private readonly bus: CommandBus) {}

  /** `GET /hosts/:hostId/slots` as the bytes of a `SlotList`'s JSON (see `slotsToJson`). */
  async findJson(hostId: string, from: Date, to: Date): Promise<Buffer> {
    const window = { start: from.getTime(), end: to.getTime() };
    const [ranges, occupied] = await Promise.all([
      this.bus.send(ListBookableRanges, { hostId, from, to }),
      this.occupied(hostId, window),
    ]);
    const slots = freeSlots({
      grids: gridsOf(ranges),
      window,
      busy: [...occupied.busy, ...occupied.groups.map((group) => group.occupied)],
      notBefore: Date.now(),
    });
    return asJson(slots);
  }

  /**
   * `GET /event-types/:id/slots`: the schedule's hours date by date in its zone, cut into the
   * event type's slots within notice and horizon, less those whose occupied time (buffers
   * included) overlaps the host's. Without `actor` (no token), only of a public event type.
   */
  async findEventTypeJson(
    eventTypeId: string,
    from: Date,
    to: Date,
    actor: Actor | undefined,
  ): Promise<Buffer> {
    const window = { start: from.getTime(), end: to.getTime() };
    const knownHost = this.hostOfEventType.get(eventTypeId);
    const [eventType, knownOccupied] = await Promise.all([
      this.bus.send(GetBookableEventType, { actor, eventTypeId }),
      knownHost === undefined ? null : this.occupied(knownHost, window),
    ]);
    this.hostOfEventType.set(eventTypeId, eventType.hostId);
    const { busy, groups } = knownOccupied ?? (await this.occupied(eventType.hostId, window));
    const now = Date.now();
    const slots = eventTypeSlots(scheduleIntervals(eventType, window), eventType, window, {
      notBefore: now + eventType.minimumNotice * MINUTE_MS,
      notAfter: now + eventType.bookingHorizonDays * DAY_MS,
    });
    const own = groups.filter((group) => group.eventTypeId === eventTypeId);
    const others = groups.filter((group) => group.eventTypeId !== eventTypeId);
    const taken = [...busy, ...others.map((group) => group.occupied)];
    if (eventType.seatsPerSlot <= 1) {
      return asJson(withoutOverlaps(slots, eventType, [...taken, ...own.map((g) => g.occupied)]));
    }
    const seated = seatedFreeSlots(slots, eventType, taken, own, eventType.seatsPerSlot);
    return Buffer.from(
      JSON.stringify({
        data: seated.map((slot) => ({
          startTime: new Date(slot.start).toISOString(),
          endTime: new Date(slot.end).toISOString(),
          seatsLeft: slot.seatsLeft,
        })),
      }),
    );
  }

  /**
   * The host time occupied by bookings that can reach a slot starting in `window`: of single
   * bookings, and of group slots (seats) apart.
   */
  private async occupied(hostId: string, window: Interval): Promise<Occupied> {
    const starts = heldStartsAround(window);
    const { busy, seated = [] } = await this.bus.send(ListBusyTime, {
      hostId,
      from: new Date(starts.start),
      to: new Date(starts.end),
    });
    const intervals: Interval[] = new Array(busy.length / 2);
    for (let i = 0; i < intervals.length; i += 1) {
      intervals[i] = { start: busy[2 * i], end: busy[2 * i + 1] };
    }
    const groups = seated.map((group) => ({
      eventTypeId: group.eventTypeId,
      start: group.start,
      occupied: { start: group.from, end: group.until },
      seats: group.seats,
    }));
    return { busy: intervals, groups };
  }
}

interface Occupied {
  busy: Interval[];
  groups: Array<GroupSlot & { eventTypeId: string }>;
}

function gridsOf(ranges: BookableRanges): SlotGrid[] {
  return ranges.data.map((range) => ({
    start: Date.parse(range.startTime),
    end: Date.parse(range.endTime),
    slotMinutes: range.slotDuration,
  }));
}

function asJson(slots: Interval[]): Buffer {
  return slotsToJson(slots, { before: '{"data":', after: '}' });
}
