import {
  Body,
  Controller,
  Delete,
  Get,
  HttpCode,
  HttpStatus,
  Param,
  Patch,
  Post,
  Query,
  Res,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  CreateEventType,
  DeleteEventType,
  ListAttendees,
  type AttendeeList,
  GetEventType,
  ListEventTypes,
  UpdateEventType,
  type Actor,
  type EventType,
  type EventTypeList,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import type { Response } from 'express';
import { CurrentActor, GuestsWelcome, MaybeActor, Roles } from '../auth/auth.decorators';
import { TOKEN_OPTIONAL } from '../docs/security';
import { AttendeeListDto, AttendeesParamDto } from '../booking/booking.dtos';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { EventTypeSlotsQueryDto, HostIdParamDto, SlotListDto } from './availability.dtos';
import { FreeSlotsFinder } from './free-slots.finder';
import {
  CreateEventTypeDto,
  EventTypeDto,
  EventTypeIdParamDto,
  EventTypeListDto,
  UpdateEventTypeDto,
} from './schedules.dtos';

const RULES =
  'duration and slotInterval 5–1440, bufferBefore and bufferAfter 0–240, minimumNotice and ' +
  'minimumCancelNotice 0–43200 (minutes, multiples of 5), bookingHorizonDays 1–365, ' +
  'seatsPerSlot 1–1000 (integers); description at most 2000 characters; bookingFields at most 20 questions ' +
  '{slug, label, type, required, options?}: slug ^[a-z][a-z0-9_]{0,39}$ and unique, label ' +
  '1–200 characters, type one of text, textarea, email, phone, number, url, select, ' +
  'multiselect, checkbox, options (1–50 distinct strings of 1–200 characters) for select and ' +
  'multiselect only, all of them at most 32 KiB as JSON (errors name e.g. ' +
  'bookingFields.2.options).';

const WITHOUT_TOKEN =
  ' Without a token (no Authorization header), only a public event type is seen: any other, ' +
  'and one that does not exist, is 401 alike.';

/** What can be booked against a schedule (SPEC §4a). */
@ApiTags('event-types')
@ApiBearerAuth()
@Controller()
export class EventTypesController {
  constructor(
    private readonly bus: CommandBus,
    private readonly slots: FreeSlotsFinder,
  ) {}

  @Get('event-types/:id/slots')
  @GuestsWelcome()
  @ApiOperation({ summary: "An event type's free slots in a window", security: TOKEN_OPTIONAL })
  @ApiProblemResponses({
    401: 'an invalid token; or, without a token, an event type that is not public or none',
    404: 'no such event type, or its host cannot be booked',
    422: 'from or to missing or malformed, or a window inverted or over 32 days',
  })
  @ApiOkResponse({
    type: SlotListDto,
    description:
      'Free slots whose start lies in [from, to) (both required, at most 32 days apart, so ' +
      'that a calendar month in any time zone fits in one request), ' +
      "ascending: the schedule's hours date by date in its time zone, cut every slotInterval " +
      'minutes into slots of duration minutes that end within the same hours, starting at ' +
      'least minimumNotice minutes from now and less than bookingHorizonDays days from now, ' +
      'whose occupied time (the slot widened by bufferBefore and bufferAfter) overlaps no ' +
      'pending or confirmed booking of the host. A slot is listed when a booking for it would ' +
      'succeed now.' +
      WITHOUT_TOKEN,
  })
  async freeSlots(
    @MaybeActor() actor: Actor | undefined,
    @Param() params: EventTypeIdParamDto,
    @Query() query: EventTypeSlotsQueryDto,
    @Res() response: Response,
  ): Promise<void> {
    // A SlotList, serialised by hand: a month of 5-minute slots is ~9,000 objects.
    const body = await this.slots.findEventTypeJson(params.id, query.from, query.to, actor);
    response.type('application/json').send(body);
  }

  @Get('event-types/:id/slots/:startTime/attendees')
  @Roles('HOST', 'ADMIN')
  @ApiOperation({ summary: 'Who holds the seats of a slot (its host, or ADMIN)' })
  @ApiProblemResponses({
    401: true,
    403: 'a USER',
    404: 'no such event type, or not yours',
    422: 'a malformed id or startTime',
  })
  @ApiOkResponse({
    type: AttendeeListDto,
    description:
      'The pending, confirmed and no-show bookings of the slot starting at startTime, in ' +
      'booking order: one per seat taken of a group event type (seatsPerSlot > 1).',
  })
  attendees(
    @CurrentActor() actor: Actor,
    @Param() params: AttendeesParamDto,
  ): Promise<AttendeeList> {
    return this.bus.send(ListAttendees, {
      actor,
      eventTypeId: params.id,
      startTime: params.startTime,
    });
  }

  @Post('event-types')
  @Roles('HOST', 'ADMIN')
  @ApiOperation({ summary: 'Create an event type on a schedule (its owner, or ADMIN)' })
  @ApiProblemResponses({
    400: true,
    401: true,
    403: 'a USER',
    404: 'no such schedule, or not yours',
    409: 'the host already has the most event types a host may have (100)',
    413: true,
    422: 'a rule of event types is broken',
  })
  @ApiCreatedResponse({
    type: EventTypeDto,
    description:
      "The event type belongs to its schedule's host: the owner of scheduleId or an ADMIN may " +
      'create it (404 for anyone else). Defaults: slotInterval = duration, buffers 0, ' +
      'minimumNotice 0, bookingHorizonDays 60, requiresConfirmation false, public false, ' +
      'description "", bookingFields [], minimumCancelNotice 0, seatsPerSlot 1; a question\'s required ' +
      `defaults to false. 422 naming each field when: ${RULES}`,
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateEventTypeDto): Promise<EventType> {
    return this.bus.send(CreateEventType, {
      actor,
      body,
    });
  }

  @Get('event-types/:id')
  @GuestsWelcome()
  @ApiOperation({ summary: 'An event type', security: TOKEN_OPTIONAL })
  @ApiProblemResponses({
    401: 'an invalid token; or, without a token, an event type that is not public or none',
    404: 'no such event type',
    422: 'a malformed id',
  })
  @ApiOkResponse({
    type: EventTypeDto,
    description:
      'Any signed-in caller may read an event type; host names whom one books (its name is ' +
      'null while the platform has not learnt it yet).' +
      WITHOUT_TOKEN,
  })
  get(
    @MaybeActor() actor: Actor | undefined,
    @Param() params: EventTypeIdParamDto,
  ): Promise<EventType> {
    return this.bus.send(GetEventType, {
      actor,
      eventTypeId: params.id,
    });
  }

  @Patch('event-types/:id')
  @Roles('HOST', 'ADMIN')
  @ApiOperation({ summary: 'Change an event type' })
  @ApiProblemResponses({
    400: true,
    401: true,
    403: 'a USER',
    404: 'no such event type, or not yours',
    409: 'another change of the host kept winning; retry',
    413: true,
    422: 'a rule of event types is broken, a scheduleId of another host, or nothing to change',
  })
  @ApiOkResponse({
    type: EventTypeDto,
    description:
      'The owner or an ADMIN (404 for anyone else). Any of the creation fields; scheduleId may ' +
      'name another schedule of the same host (422 on scheduleId otherwise); a bookingFields ' +
      'given replaces all the questions. Existing bookings keep their times and answers. 422 ' +
      `naming each field when: ${RULES}`,
  })
  update(
    @CurrentActor() actor: Actor,
    @Param() params: EventTypeIdParamDto,
    @Body() body: UpdateEventTypeDto,
  ): Promise<EventType> {
    return this.bus.send(UpdateEventType, {
      actor,
      eventTypeId: params.id,
      changes: body,
    });
  }

  @Delete('event-types/:id')
  @Roles('HOST', 'ADMIN')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an event type' })
  @ApiProblemResponses({
    401: true,
    403: 'a USER',
    404: 'no such event type, or not yours',
    409: 'another change of the host kept winning; retry',
    422: 'a malformed id',
  })
  @ApiNoContentResponse({
    description: 'The owner or an ADMIN. Existing bookings of it stay as they are.',
  })
  async remove(@CurrentActor() actor: Actor, @Param() params: EventTypeIdParamDto): Promise<void> {
    await this.bus.send(DeleteEventType, {
      actor,
      eventTypeId: params.id,
    });
  }

  @Get('hosts/:hostId/event-types')
  @GuestsWelcome()
  @ApiOperation({ summary: "A host's event types", security: TOKEN_OPTIONAL })
  @ApiProblemResponses({ 401: 'an invalid token', 422: 'a malformed host id' })
  @ApiOkResponse({
    type: EventTypeListDto,
    description:
      'In creation order. A host with no event types (or an unknown id) has none. Without a ' +
      'token (no Authorization header), only the public ones.',
  })
  list(
    @MaybeActor() actor: Actor | undefined,
    @Param() params: HostIdParamDto,
  ): Promise<EventTypeList> {
    return this.bus.send(ListEventTypes, {
      actor,
      hostId: params.hostId,
    });
  }
}
