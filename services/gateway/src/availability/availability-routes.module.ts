import { Module } from '@nestjs/common';
import { AvailabilityController } from './availability.controller';
import { FreeSlotsFinder } from './free-slots.finder';
import { HostsController } from './hosts.controller';

/** `/availability`, `/hosts/:hostId/availability`, `/hosts/:hostId/slots`: SPEC §4. */
@Module({
  controllers: [AvailabilityController, HostsController],
  providers: [FreeSlotsFinder],
})
export class AvailabilityRoutesModule {}
