import { Module } from '@nestjs/common';
import { BookingCalendarController } from './booking-calendar.controller';
import { CalendarFeedController } from './calendar-feed.controller';
import { CalendarFiles } from './calendar-files';

/** Calendar files (SPEC §6b); exports {@link CalendarFiles} for `GET /manage/:token/ics`. */
@Module({
  controllers: [BookingCalendarController, CalendarFeedController],
  providers: [CalendarFiles],
  exports: [CalendarFiles],
})
export class CalendarRoutesModule {}
