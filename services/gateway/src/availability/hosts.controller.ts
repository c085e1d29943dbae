import { Controller, Get, Param, Query, Res } from '@nestjs/common';
import { ApiBearerAuth, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ListRanges, type AvailabilityRangeList } from '@slotbook/contracts';
import type { Response } from 'express';
import { CommandBus } from '@slotbook/messaging';
import {
  AvailabilityRangeListDto,
  HostIdParamDto,
  RangesQueryDto,
  SlotListDto,
  SlotsQueryDto,
} from './availability.dtos';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { FreeSlotsFinder } from './free-slots.finder';

/** What anyone signed in may see of a host's availability. */
@ApiTags('availability')
@ApiBearerAuth()
@Controller('hosts/:hostId')
export class HostsController {
  constructor(
    private readonly bus: CommandBus,
    private readonly slots: FreeSlotsFinder,
  ) {}

  @Get('availability')
  @ApiOperation({ summary: "A host's availability ranges in a window" })
  @ApiProblemResponses({ 401: true, 422: 'a bad timestamp, or a window inverted or over 31 days' })
  @ApiOkResponse({
    type: AvailabilityRangeListDto,
    description:
      'Ranges overlapping [from, to), ascending by start. from defaults to now, to to 31 days ' +
      'after from; the window is at most 31 days. An unknown host has no ranges.',
  })
  ranges(
    @Param() params: HostIdParamDto,
    @Query() query: RangesQueryDto,
  ): Promise<AvailabilityRangeList> {
    return this.bus.send(ListRanges, {
      hostId: params.hostId,
      query,
    });
  }

  @Get('slots')
  @ApiOperation({ summary: "A host's free slots in a window" })
  @ApiProblemResponses({
    401: true,
    422: 'from or to missing or malformed, or a window inverted or over 31 days',
  })
  @ApiOkResponse({
    type: SlotListDto,
    description:
      'Free slots whose start lies in [from, to) (both required, at most 31 days apart), ' +
      'ascending. A slot is listed when a booking for it would succeed now: not held, not ' +
      'in the past, not in a range that is being changed.',
  })
  async freeSlots(
    @Param() params: HostIdParamDto,
    @Query() query: SlotsQueryDto,
    @Res() response: Response,
  ): Promise<void> {
    // A SlotList, serialised by hand: a month of 5-minute slots is ~9,000 objects.
    const body = await this.slots.findJson(params.hostId, query.from, query.to);
    response.type('application/json').send(body);
  }
}
