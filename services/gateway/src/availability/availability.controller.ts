import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  AVAILABILITY_QUEUE,
  AvailabilityCommand,
  type Actor,
  type AvailabilityRange,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import {
  AvailabilityRangeDto,
  CreateRangeDto,
  RangeIdParamDto,
  UpdateRangeDto,
} from './availability.dtos';

@ApiTags('availability')
@ApiBearerAuth()
@Roles('HOST', 'ADMIN')
@Controller('availability')
export class AvailabilityController {
  constructor(private readonly bus: CommandBus) {}

  @Post()
  @ApiCreatedResponse({
    type: AvailabilityRangeDto,
    description:
      'A HOST publishes their own range (another hostId is 403); an ADMIN names the host in ' +
      'hostId (404 unknown, 422 not an active HOST). 409 when it overlaps another range of ' +
      'the host (touching is fine); 422 when a rule of SPEC §4 is broken.',
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateRangeDto): Promise<AvailabilityRange> {
    return this.bus.send(AVAILABILITY_QUEUE, AvailabilityCommand.CreateRange, { ...body, actor });
  }

  @Patch(':id')
  @ApiOkResponse({
    type: AvailabilityRangeDto,
    description:
      'The owner or an ADMIN (404 for anyone else). The result obeys the creation rules; 409 ' +
      'if it would overlap another range or leave an active booking outside every range.',
  })
  update(
    @CurrentActor() actor: Actor,
    @Param() params: RangeIdParamDto,
    @Body() body: UpdateRangeDto,
  ): Promise<AvailabilityRange> {
    return this.bus.send(AVAILABILITY_QUEUE, AvailabilityCommand.UpdateRange, {
      actor,
      rangeId: params.id,
      changes: body,
    });
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiNoContentResponse({
    description: 'The owner or an ADMIN; 409 while an active booking lies in the range.',
  })
  async remove(@CurrentActor() actor: Actor, @Param() params: RangeIdParamDto): Promise<void> {
    await this.bus.send(AVAILABILITY_QUEUE, AvailabilityCommand.DeleteRange, {
      actor,
      rangeId: params.id,
    });
  }
}
