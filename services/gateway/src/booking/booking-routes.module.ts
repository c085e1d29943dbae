import { Module } from '@nestjs/common';
import { BookingsController } from './bookings.controller';

/** `/bookings`: SPEC §5. */
@Module({
  controllers: [BookingsController],
})
export class BookingRoutesModule {}
