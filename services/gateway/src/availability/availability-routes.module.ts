import { Module } from '@nestjs/common';
import { AvailabilityController } from './availability.controller';
import { EventTypesController } from './event-types.controller';
import { FreeSlotsFinder } from './free-slots.finder';
import { HostsController } from './hosts.controller';
import { SchedulesController } from './schedules.controller';

/**
 * `/availability`, `/hosts/:hostId/availability`, `/hosts/:hostId/slots` (SPEC §4);
 * `/schedules`, `/event-types` and a host's lists of them (SPEC §4a).
 */
@Module({
  controllers: [AvailabilityController, HostsController, SchedulesController, EventTypesController],
  providers: [FreeSlotsFinder],
})
export class AvailabilityRoutesModule {}
