import { Injectable, Logger } from '@nestjs/common';
import { BOOKING_QUEUE, BookingCommand, DomainError, ErrorCode } from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';

/**
 * Tells booking the version each write of a host's document writes (host-terms.ts in the
 * contracts), so that booking's copy of the host's terms is never trusted once a change has
 * been answered. Before the write (no write unless booking took it: 503), and again after it,
 * before it is answered, in case booking's Redis lost the first in between.
 */
@Injectable()
export class TermsAnnouncer {
  private readonly logger = new Logger(TermsAnnouncer.name);

  constructor(private readonly bus: CommandBus) {}

  /** Runs `write` (a write of the host's document at `version`) announced; answers its result. */
  async around(hostId: string, version: number, write: () => Promise<boolean>): Promise<boolean> {
    try {
      await this.announce(hostId, version);
    } catch (error) {
      this.logger.warn({ err: error, hostId }, 'booking did not take a change; refused');
      throw new DomainError(
        ErrorCode.Unavailable,
        'availability cannot be changed right now; retry',
      );
    }
    const written = await write();
    if (written) {
      await this.announce(hostId, version).catch((error: unknown) =>
        this.logger.warn({ err: error, hostId }, 'a change was announced only before its write'),
      );
    }
    return written;
  }

  private async announce(hostId: string, version: number): Promise<void> {
    await this.bus.send(BOOKING_QUEUE, BookingCommand.AnnounceHostTerms, { hostId, version });
  }
}
