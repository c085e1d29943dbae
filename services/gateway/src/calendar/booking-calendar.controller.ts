import { Controller, Get, Header, Param } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Actor } from '@slotbook/contracts';
import { CurrentActor } from '../auth/auth.decorators';
import { BookingIdParamDto } from '../booking/booking.dtos';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { CALENDAR_MEDIA_TYPE, calendarFileContent } from './calendar.dtos';
import { CalendarFiles } from './calendar-files';

/** `GET /bookings/:id/ics` (SPEC §6b), beside the booking routes of §5. */
@ApiTags('calendar')
@ApiBearerAuth()
@Controller('bookings')
export class BookingCalendarController {
  constructor(private readonly files: CalendarFiles) {}

  @Get(':id/ics')
  @Header('Content-Type', CALENDAR_MEDIA_TYPE)
  @Header('Content-Disposition', 'attachment; filename="booking.ics"')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "A booking's calendar file (its guest, its host or an ADMIN)" })
  @ApiProblemResponses({ 401: true, 404: 'no such booking, or not yours to see', 422: true })
  @ApiOkResponse({
    description:
      'RFC 5545, one VEVENT (UID `<id>@slotbook`, SEQUENCE, times in UTC): `METHOD:REQUEST`, ' +
      'or `METHOD:CANCEL` with `STATUS:CANCELLED` once the booking is cancelled',
    content: calendarFileContent(),
  })
  ics(@CurrentActor() actor: Actor, @Param() params: BookingIdParamDto): Promise<string> {
    return this.files.calendarFileOf(actor, params.id);
  }
}
