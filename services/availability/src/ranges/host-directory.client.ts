import { Injectable } from '@nestjs/common';
import { DomainError, ErrorCode, GetUser, type User } from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';

/** Asks identity whether an account may hold availability. */
@Injectable()
export class HostDirectory {
  constructor(private readonly bus: CommandBus) {}

  /** 404 for an unknown account, 422 (`hostId`) for one that is not an active HOST. */
  async requireHost(hostId: string): Promise<void> {
    let user: User;
    try {
      user = await this.bus.send(GetUser, { userId: hostId });
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) {
        throw DomainError.notFound('host');
      }
      throw error;
    }
    if (user.role !== 'HOST') {
      throw DomainError.validation('availability belongs to a host', [
        { path: 'hostId', message: 'is not a HOST account' },
      ]);
    }
    if (!user.active) {
      throw DomainError.validation('availability belongs to an active host', [
        { path: 'hostId', message: 'is a deactivated account' },
      ]);
    }
  }
}
