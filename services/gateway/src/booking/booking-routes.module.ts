import { Module } from '@nestjs/common';
import { GuestLimits } from '../guests/guest-limits';
import { ManageController } from '../guests/manage.controller';
import { ManageTokens } from '../guests/manage-tokens';
import { BookingsController } from './bookings.controller';

/** `/bookings` (SPEC §5) and guests' `/manage` links (§5b). */
@Module({
  controllers: [BookingsController, ManageController],
  providers: [ManageTokens, GuestLimits],
  exports: [ManageTokens],
})
export class BookingRoutesModule {}
