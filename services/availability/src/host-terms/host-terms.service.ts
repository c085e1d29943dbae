import { Injectable } from '@nestjs/common';
import { DomainError, type GetHostTermsCommand, type HostTerms } from '@slotbook/contracts';
import { isBookable } from '../host-accounts/host-account-rules';
import { HostAvailabilityRepository } from '../ranges/host-availability.repository';
import { closedUntil } from '../ranges/range-rules';
import { toTermsEventType } from '../schedules/schedule.mapper';

/** What booking decides a host's slots by (see host-terms.ts in the contracts). */
@Injectable()
export class HostTermsService {
  constructor(private readonly hosts: HostAvailabilityRepository) {}

  /** The host's terms as stored now; by event type, 404 unless the host has that event type. */
  async get(command: GetHostTermsCommand): Promise<HostTerms> {
    const hostId =
      'hostId' in command ? command.hostId : await this.hosts.hostOf(command.eventTypeId);
    const stored = hostId === null ? null : await this.hosts.findTerms(hostId);
    if (
      'eventTypeId' in command &&
      !stored?.eventTypes.some((eventType) => eventType.id === command.eventTypeId)
    ) {
      throw DomainError.notFound('event type');
    }
    return {
      hostId: hostId!,
      version: stored?.version ?? 0,
      bookable: isBookable(stored?.account ?? null),
      ranges: (stored?.ranges ?? []).map((range) => ({
        id: range.id,
        start: range.startTime.getTime(),
        end: range.endTime.getTime(),
        slotDuration: range.slotDuration,
        requiresConfirmation: range.requiresConfirmation,
        closedUntil: closedUntil(range)?.getTime() ?? null,
      })),
      schedules: (stored?.schedules ?? []).map(({ id, timeZone, weekly, overrides }) => ({
        id,
        timeZone,
        weekly,
        overrides,
      })),
      eventTypes: (stored?.eventTypes ?? []).map(toTermsEventType),
    };
  }
}
