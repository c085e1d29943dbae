import { Injectable } from '@nestjs/common';
import {
  DomainError,
  ErrorCode,
  type HostAccountsSubscription,
  type SubscribedEvent,
} from '@slotbook/contracts';
import { RecordChanges } from '@slotbook/persistence';
import { HostAvailabilityRepository } from '../ranges/host-availability.repository';

/**
 * How long an account change waits for booking to take its announcement (a booking restart)
 * before its event goes back to the queue, where every return counts towards dead-lettering.
 */
const BOOKING_PATIENCE_MS = 120_000;
const RETRY_MS = 1_000;

/**
 * Keeps, beside each host's ranges, whether identity says the account can be booked and its
 * name: from `user.*` events, at least once and in any order (the account's version decides).
 * So a deactivated or demoted host stops being bookable, and an event type names its host,
 * without booking, `/slots` or a read asking identity.
 */
@Injectable()
export class HostAccountsService {
  constructor(
    private readonly hostRanges: HostAvailabilityRepository,
    private readonly changes: RecordChanges,
  ) {}

  async apply(event: SubscribedEvent<typeof HostAccountsSubscription>): Promise<void> {
    const { id, role, active, version, name } = event.data;
    const until = Date.now() + BOOKING_PATIENCE_MS;
    for (;;) {
      try {
        // A 409 after range writes kept winning sends the event back to the queue, to come again.
        await this.changes.of(() =>
          this.hostRanges.recordAccount(id, { role, active, version, name }),
        );
        return;
      } catch (error) {
        const unavailable = error instanceof DomainError && error.code === ErrorCode.Unavailable;
        if (!unavailable || Date.now() + RETRY_MS > until) throw error;
        await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
      }
    }
  }
}
