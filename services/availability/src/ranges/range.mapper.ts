import type { AvailabilityRange, BookableRange } from '@slotbook/contracts';
import type { RangeEntry } from './range-rules';

export function toRange(hostId: string, entry: RangeEntry): AvailabilityRange {
  return {
    id: entry.id,
    hostId,
    startTime: entry.startTime.toISOString(),
    endTime: entry.endTime.toISOString(),
    slotDuration: entry.slotDuration,
    requiresConfirmation: entry.requiresConfirmation,
    createdAt: entry.createdAt.toISOString(),
    updatedAt: entry.updatedAt.toISOString(),
  };
}

export function toBookableRange(entry: RangeEntry): BookableRange {
  return {
    startTime: entry.startTime.toISOString(),
    endTime: entry.endTime.toISOString(),
    slotDuration: entry.slotDuration,
  };
}
