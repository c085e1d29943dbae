import { Module } from '@nestjs/common';
import { CalendarRoutesModule } from '../calendar/calendar-routes.module';
import { GuestLimits } from '../guests/guest-limits';
import { ManageController } from '../guests/manage.controller';
import { ManageTokens } from '../guests/manage-tokens';
import { BookingsController } from './bookings.controller';

/** `/bookings` (SPEC §5) and guests' `/manage` links (§5b). */
@Module({
  imports: [CalendarRoutesModule],
  controllers: [BookingsController, ManageController],
  providers: [ManageTokens, GuestLimits],
  exports: [ManageTokens],
})
export class BookingRoutesModule {}
