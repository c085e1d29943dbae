import { Injectable } from '@nestjs/common';
import { LRUCache } from 'lru-cache';
import {
  DomainError,
  ErrorCode,
  GetHostTerms,
  GetUser,
  type HostTerms,
  type TermsEventType,
  type User,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { AnnouncedVersions } from './announced-versions';
import type { SlotTerms } from './booking';
import { eventTypeSlotTerms, rangeSlotTerms } from './slot-terms';

/** A slot of a host's ranges, or of an event type. */
export type SlotOf = { hostId: string } | { eventTypeId: string };

export interface SlotOptions {
  /** Moving a booking: an event type that no longer exists is an illegal transition (409). */
  moving?: boolean;
}

/**
 * A slot's terms, decided by booking's copy of its host's terms (see host-terms.ts in the
 * contracts) with no call out while the copy is current. `expected` answers what to hold,
 * from the copy as it stands; `confirmed`, asked while that time is held, reads the version
 * announced for the host and decides by a copy at least that new, fetching the host's terms
 * again only when the copy is older (a change since) or no version can be read.
 */
@Injectable()
export class SlotTermsClient {
  /** The last terms fetched of each host; a backstop TTL bounds a Redis that lost its memory. */
  private readonly copies = new LRUCache<string, HostTerms>({ max: 10_000, ttl: 10 * 60_000 });
  /** An event type's host never changes. */
  private readonly hostOfEventType = new LRUCache<string, string>({ max: 50_000 });
  /**
   * Fetches under way, by when they started (this process's clock): a burst of creates for one
   * host asks once, and a decision joins only a fetch that started after what it must see.
   */
  private readonly fetching = new Map<string, { startedAt: number; terms: Promise<HostTerms> }>();
  private clock = 0;

  constructor(
    private readonly bus: CommandBus,
    private readonly versions: AnnouncedVersions,
  ) {}

  /**
   * The slot's terms by the copy as it stands (fetched when there is none): the time to hold.
   * A refusal stands only once the host's current terms refuse too.
   */
  async expected(slot: SlotOf, startTime: Date, options: SlotOptions = {}): Promise<SlotTerms> {
    const hostId = 'hostId' in slot ? slot.hostId : this.hostOfEventType.get(slot.eventTypeId);
    const copy = hostId === undefined ? undefined : this.copies.get(hostId);
    try {
      return decide(copy ?? (await this.fetch(slot)), slot, startTime);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      return this.confirmed(slot, startTime, options);
    }
  }

  /** The slot's terms by the host's current terms: asked while the slot's time is held. */
  async confirmed(slot: SlotOf, startTime: Date, options: SlotOptions = {}): Promise<SlotTerms> {
    const hostId = 'hostId' in slot ? slot.hostId : this.hostOfEventType.get(slot.eventTypeId);
    try {
      const terms =
        hostId === undefined ? await this.fetch(slot, this.now()) : await this.current(hostId);
      return decide(terms, slot, startTime);
    } catch (error) {
      if (!(error instanceof DomainError)) throw error;
      if ('hostId' in slot && error.code === ErrorCode.ValidationFailed) {
        await this.requireHost(slot.hostId);
      }
      if (options.moving && 'eventTypeId' in slot && error.code === ErrorCode.NotFound) {
        throw new DomainError(
          ErrorCode.InvalidTransition,
          "the booking's event type no longer exists or cannot be booked",
        );
      }
      throw error;
    }
  }

  /** The host of an event type (404 for one that does not exist). */
  async hostOf(eventTypeId: string): Promise<string> {
    return this.hostOfEventType.get(eventTypeId) ?? (await this.fetch({ eventTypeId })).hostId;
  }

  /**
   * The host's event types by its current terms (a guest's cancel notice, a manage page, a
   * calendar file), by id; a deleted one is absent.
   */
  async eventTypesOf(hostId: string): Promise<Map<string, TermsEventType>> {
    const terms = await this.current(hostId);
    return new Map(terms.eventTypes.map((eventType) => [eventType.id, eventType]));
  }

  /**
   * The copy if it is as new as the version announced for the host, else the host's terms as
   * read after that version was (so after the caller's hold: see host-terms.ts).
   */
  private async current(hostId: string): Promise<HostTerms> {
    const copy = this.copies.get(hostId);
    const announced = copy ? await this.versions.of(hostId) : null;
    if (copy && announced !== null && copy.version >= announced) return copy;
    const terms = await this.fetch({ hostId }, this.now());
    // No version (Redis emptied): keep the one fetched as announced, so the next creates find
    // the copy current (safe: host-terms.ts).
    if (announced === null) void this.versions.raise(hostId, terms.version).catch(() => undefined);
    return terms;
  }

  private now(): number {
    this.clock += 1;
    return this.clock;
  }

  /** The host's terms from availability, by a fetch that started after `since` (if given). */
  private fetch(slot: SlotOf, since = 0): Promise<HostTerms> {
    const key = 'hostId' in slot ? `h:${slot.hostId}` : `e:${slot.eventTypeId}`;
    const under = this.fetching.get(key);
    if (under && under.startedAt > since) return under.terms;
    const startedAt = this.now();
    const terms = this.bus
      .send(GetHostTerms, slot)
      .then((fetched) => {
        const known = this.copies.get(fetched.hostId);
        if (!known || known.version <= fetched.version) this.copies.set(fetched.hostId, fetched);
        if ('eventTypeId' in slot) this.hostOfEventType.set(slot.eventTypeId, fetched.hostId);
        return fetched;
      })
      .finally(() => {
        if (this.fetching.get(key)?.startedAt === startedAt) this.fetching.delete(key);
      });
    this.fetching.set(key, { startedAt, terms });
    return terms;
  }

  /** 404 unless `hostId` is a HOST's account (never reveals other accounts). */
  private async requireHost(hostId: string): Promise<void> {
    let user: User;
    try {
      user = await this.bus.send(GetUser, { userId: hostId });
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound)
        throw DomainError.notFound('host');
      throw error;
    }
    if (user.role !== 'HOST' || !user.active) throw DomainError.notFound('host');
  }
}

function decide(terms: HostTerms, slot: SlotOf, startTime: Date): SlotTerms {
  const now = new Date();
  return 'hostId' in slot
    ? rangeSlotTerms(terms, startTime, now)
    : eventTypeSlotTerms(terms, slot.eventTypeId, startTime, now);
}
