import { Injectable, Logger } from '@nestjs/common';
import type { Model } from 'mongoose';
import { AnnounceHostTerms, DomainError, ErrorCode, type PendingEvent } from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { compareAndSet, initialOutbox, isDuplicateKeyError } from '@slotbook/persistence';
import type { HostAvailabilityDocument } from '../ranges/host-availability.schema';

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

  /**
   * The one write of an existing host document: compare-and-set from the version read, with
   * the change's events, announced. False when another writer got there first.
   */
  update(
    hosts: Model<HostAvailabilityDocument>,
    hostId: string,
    readVersion: number,
    set: Partial<HostAvailabilityDocument>,
    events: PendingEvent[],
  ): Promise<boolean> {
    return this.around(
      hostId,
      readVersion + 1,
      async () =>
        (await compareAndSet(hosts, { _id: hostId, version: readVersion }, set, events)) !== null,
    );
  }

  /** The host's first write, announced; two first writers collide on the `_id` (false). */
  create(
    hosts: Model<HostAvailabilityDocument>,
    doc: Omit<HostAvailabilityDocument, keyof ReturnType<typeof initialOutbox>>,
    events: PendingEvent[],
  ): Promise<boolean> {
    return this.around(doc._id, 1, async () => {
      try {
        await hosts.create({ ...doc, ...initialOutbox(events) });
        return true;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false;
        throw error;
      }
    });
  }

  private async announce(hostId: string, version: number): Promise<void> {
    await this.bus.send(AnnounceHostTerms, { hostId, version });
  }
}
