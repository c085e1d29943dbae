import { Controller, Get, Header, Param, Post, Req } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import type { Request } from 'express';
import type { Actor, CalendarFeedUrl } from '@slotbook/contracts';
import { CurrentActor, Public, Roles } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { CALENDAR_MEDIA_TYPE, CalendarFeedUrlDto, calendarFileContent } from './calendar.dtos';
import { CalendarFiles } from './calendar-files';

/** A host's calendar feed (SPEC §6b): its secret URL, and the feed read with it alone. */
@ApiTags('calendar')
@Controller()
export class CalendarFeedController {
  constructor(private readonly files: CalendarFiles) {}

  @Post('users/me/calendar-feed')
  @Roles('HOST')
  @ApiBearerAuth()
  @ApiOperation({ summary: "A new secret URL of your bookings' calendar feed (HOST)" })
  @ApiProblemResponses({ 401: true, 403: 'only a HOST has a feed' })
  @ApiCreatedResponse({
    type: CalendarFeedUrlDto,
    description: 'a new feed URL; the previous one is 404 from now on',
  })
  async rotate(@CurrentActor() actor: Actor, @Req() request: Request): Promise<CalendarFeedUrl> {
    const token = await this.files.rotateFeed(actor);
    return { url: `${request.protocol}://${request.host}/api/v1/calendar/${token}.ics` };
  }

  @Get('calendar/:token.ics')
  @Public()
  @Header('Content-Type', CALENDAR_MEDIA_TYPE)
  @Header('Cache-Control', 'no-store')
  // `security: []`: the token in the path is the only credential.
  @ApiOperation({ summary: "A host's calendar feed, read with its secret URL", security: [] })
  @ApiParam({
    name: 'token',
    description: 'the secret of the URL POST /users/me/calendar-feed made',
  })
  @ApiProblemResponses({ 404: 'no such feed, or one replaced by a newer URL' })
  @ApiOkResponse({
    description:
      "RFC 5545 without METHOD: the host's bookings that are not cancelled, from 30 days ago " +
      'to 365 days ahead, one VEVENT each (a seated slot is one, with an ATTENDEE per seat)',
    content: calendarFileContent(),
  })
  feed(@Param('token') token: string): Promise<string> {
    return this.files.feedOf(token);
  }
}
