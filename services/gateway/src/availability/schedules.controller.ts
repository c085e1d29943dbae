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
  CreateSchedule,
  DeleteSchedule,
  GetSchedule,
  ListSchedules,
  UpdateSchedule,
  type Actor,
  type Schedule,
  type ScheduleList,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { HostIdParamDto } from './availability.dtos';
import {
  CreateScheduleDto,
  ScheduleDto,
  ScheduleIdParamDto,
  ScheduleListDto,
  UpdateScheduleDto,
} from './schedules.dtos';

const RULES =
  'timeZone an IANA zone name; local times HH:MM on 5-minute marks, start before end, 24:00 ' +
  'allowed as an end; the intervals of one day (weekly, or one override) may touch but not ' +
  'overlap; one override per date, a real calendar date.';

/** Weekly hours in a time zone with date overrides (SPEC §4a). */
@ApiTags('schedules')
@ApiBearerAuth()
@Controller()
export class SchedulesController {
  constructor(private readonly bus: CommandBus) {}

  @Post('schedules')
  @Roles('HOST', 'ADMIN')
  @ApiOperation({ summary: 'Create a weekly schedule (HOST own, ADMIN for a host)' })
  @ApiProblemResponses({
    400: true,
    401: true,
    403: 'a USER, or a HOST naming another hostId',
    404: 'an ADMIN named an unknown account',
    409: 'the host already has the most schedules a host may have (50)',
    413: true,
    422: 'a rule of schedules is broken, or an ADMIN named no active HOST',
  })
  @ApiCreatedResponse({
    type: ScheduleDto,
    description:
      'A HOST creates their own schedule (another hostId is 403); an ADMIN names the host in ' +
      `hostId (404 unknown, 422 not an active HOST). 422 naming each field when: ${RULES}`,
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateScheduleDto): Promise<Schedule> {
    return this.bus.send(CreateSchedule, { actor, body });
  }

  @Get('schedules/:id')
  @ApiOperation({ summary: 'A schedule' })
  @ApiProblemResponses({ 401: true, 404: 'no such schedule', 422: 'a malformed id' })
  @ApiOkResponse({ type: ScheduleDto, description: 'Any signed-in caller may read a schedule.' })
  get(@CurrentActor() actor: Actor, @Param() params: ScheduleIdParamDto): Promise<Schedule> {
    return this.bus.send(GetSchedule, {
      actor,
      scheduleId: params.id,
    });
  }

  @Patch('schedules/:id')
  @Roles('HOST', 'ADMIN')
  @ApiOperation({ summary: 'Change a schedule' })
  @ApiProblemResponses({
    400: true,
    401: true,
    403: 'a USER',
    404: 'no such schedule, or not yours',
    409: 'another change of the host kept winning; retry',
    413: true,
    422: 'a rule of schedules is broken, or nothing to change',
  })
  @ApiOkResponse({
    type: ScheduleDto,
    description:
      'The owner or an ADMIN (404 for anyone else). Any of name, timeZone, weekly, overrides; ' +
      'a list given replaces the stored one. Existing bookings stay as they are.',
  })
  update(
    @CurrentActor() actor: Actor,
    @Param() params: ScheduleIdParamDto,
    @Body() body: UpdateScheduleDto,
  ): Promise<Schedule> {
    return this.bus.send(UpdateSchedule, {
      actor,
      scheduleId: params.id,
      changes: body,
    });
  }

  @Delete('schedules/:id')
  @Roles('HOST', 'ADMIN')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete a schedule' })
  @ApiProblemResponses({
    401: true,
    403: 'a USER',
    404: 'no such schedule, or not yours',
    409: 'an event type uses the schedule',
    422: 'a malformed id',
  })
  @ApiNoContentResponse({
    description:
      'The owner or an ADMIN; 409 while an event type uses the schedule (delete it or move it ' +
      'to another schedule first). Existing bookings stay as they are.',
  })
  async remove(@CurrentActor() actor: Actor, @Param() params: ScheduleIdParamDto): Promise<void> {
    await this.bus.send(DeleteSchedule, {
      actor,
      scheduleId: params.id,
    });
  }

  @Get('hosts/:hostId/schedules')
  @ApiOperation({ summary: "A host's schedules" })
  @ApiProblemResponses({ 401: true, 422: 'a malformed host id' })
  @ApiOkResponse({
    type: ScheduleListDto,
    description: 'In creation order. A host with no schedules (or an unknown id) has none.',
  })
  list(@Param() params: HostIdParamDto): Promise<ScheduleList> {
    return this.bus.send(ListSchedules, {
      hostId: params.hostId,
    });
  }
}
