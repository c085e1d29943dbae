import { Injectable } from '@nestjs/common';
import {
  AVAILABILITY_QUEUE,
  AvailabilityCommand,
  DomainError,
  ErrorCode,
  IDENTITY_QUEUE,
  IdentityCommand,
  type User,
  type VerifiedEventTypeSlot,
  type VerifiedSlot,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';

/** What booking asks the other services: is this a slot of the host or event type, does the host exist. */
@Injectable()
export class ScheduleClient {
  constructor(private readonly bus: CommandBus) {}

  /**
   * The range the slot belongs to. Answers 422 when it is not a slot of the host's
   * availability, 409 while the host's availability around it is being changed.
   */
  verifySlot(hostId: string, startTime: Date): Promise<VerifiedSlot> {
    return this.bus.send(AVAILABILITY_QUEUE, AvailabilityCommand.VerifySlot, { hostId, startTime });
  }

  /**
   * The event type's slot at `startTime`: its host, end and buffers. 404 for an unknown event
   * type or a host that cannot be booked; 422 when it is not a slot now.
   */
  verifyEventTypeSlot(eventTypeId: string, startTime: Date): Promise<VerifiedEventTypeSlot> {
    return this.bus.send(AVAILABILITY_QUEUE, AvailabilityCommand.VerifyEventTypeSlot, {
      eventTypeId,
      startTime,
    });
  }

  /** 404 unless `hostId` is a HOST's account (never reveals other accounts). */
  async requireHost(hostId: string): Promise<void> {
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
