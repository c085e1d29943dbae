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
  GetEventType,
  ListEventTypes,
  UpdateEventType,
  type Actor,
  type EventType,
  type EventTypeList,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import type { Response } from 'express';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { HostIdParamDto, SlotListDto, SlotsQueryDto } from './availability.dtos';
import { FreeSlotsFinder } from './free-slots.finder';
import {
  CreateEventTypeDto,
  EventTypeDto,
  EventTypeIdParamDto,
  EventTypeListDto,
  UpdateEventTypeDto,
} from './schedules.dtos';

const RULES =
  'duration and slotInterval 5–1440, bufferBefore and bufferAfter 0–240, minimumNotice ' +
  '0–43200 (minutes, multiples of 5), bookingHorizonDays 1–365 (integers).';

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
  @ApiOperation({ summary: "An event type's free slots in a window" })
  @ApiProblemResponses({
    401: true,
    404: 'no such event type, or its host cannot be booked',
    422: 'from or to missing or malformed, or a window inverted or over 31 days',
  })
  @ApiOkResponse({
    type: SlotListDto,
    description:
      'Free slots whose start lies in [from, to) (both required, at most 31 days apart), ' +
      "ascending: the schedule's hours date by date in its time zone, cut every slotInterval " +
      'minutes into slots of duration minutes that end within the same hours, starting at ' +
      'least minimumNotice minutes from now and less than bookingHorizonDays days from now, ' +
      'whose occupied time (the slot widened by bufferBefore and bufferAfter) overlaps no ' +
      'pending or confirmed booking of the host. A slot is listed when a booking for it would ' +
      'succeed now.',
  })
  async freeSlots(
    @Param() params: EventTypeIdParamDto,
    @Query() query: SlotsQueryDto,
    @Res() response: Response,
  ): Promise<void> {
    // A SlotList, serialised by hand: a month of 5-minute slots is ~9,000 objects.
    const body = await this.slots.findEventTypeJson(params.id, query.from, query.to);
    response.type('application/json').send(body);
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
      'minimumNotice 0, bookingHorizonDays 60, requiresConfirmation false. 422 naming each ' +
      `field when: ${RULES}`,
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateEventTypeDto): Promise<EventType> {
    return this.bus.send(CreateEventType, {
      actor,
      body,
    });
  }

  @Get('event-types/:id')
  @ApiOperation({ summary: 'An event type' })
  @ApiProblemResponses({ 401: true, 404: 'no such event type', 422: 'a malformed id' })
  @ApiOkResponse({
    type: EventTypeDto,
    description: 'Any signed-in caller may read an event type.',
  })
  get(@CurrentActor() actor: Actor, @Param() params: EventTypeIdParamDto): Promise<EventType> {
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
      'name another schedule of the same host (422 on scheduleId otherwise). Existing bookings ' +
      'keep their times.',
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
  @ApiOperation({ summary: "A host's event types" })
  @ApiProblemResponses({ 401: true, 422: 'a malformed host id' })
  @ApiOkResponse({
    type: EventTypeListDto,
    description: 'In creation order. A host with no event types (or an unknown id) has none.',
  })
  list(@Param() params: HostIdParamDto): Promise<EventTypeList> {
    return this.bus.send(ListEventTypes, {
      hostId: params.hostId,
    });
  }
}
