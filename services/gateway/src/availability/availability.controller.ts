import { Body, Controller, Delete, HttpCode, HttpStatus, Param, Patch, Post } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  CreateRange,
  DeleteRange,
  UpdateRange,
  type Actor,
  type AvailabilityRange,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { CurrentActor, Roles } from '../auth/auth.decorators';
import { ApiProblemResponses } from '../problem/api-problem-responses';
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
  @ApiOperation({ summary: 'Publish an availability range (HOST own, ADMIN for a host)' })
  @ApiProblemResponses({
    400: true,
    401: true,
    403: 'a USER, or a HOST naming another hostId',
    404: 'an ADMIN named an unknown account',
    409: 'the range overlaps another range of the host',
    413: true,
    422: 'a rule of the range is broken, or an ADMIN named no active HOST',
  })
  @ApiCreatedResponse({
    type: AvailabilityRangeDto,
    description:
      'A HOST publishes their own range (another hostId is 403); an ADMIN names the host in ' +
      'hostId (404 unknown, 422 not an active HOST). 409 when it overlaps another range of ' +
      'the host (touching is fine); 422 when a rule of SPEC §4 is broken.',
  })
  create(@CurrentActor() actor: Actor, @Body() body: CreateRangeDto): Promise<AvailabilityRange> {
    return this.bus.send(CreateRange, { ...body, actor });
  }

  @Patch(':id')
  @ApiOperation({ summary: 'Change an availability range' })
  @ApiProblemResponses({
    400: true,
    401: true,
    403: 'a USER',
    404: 'no such range, or not yours',
    409: 'it would overlap another range or leave an active booking outside every range',
    413: true,
    422: 'the changed range breaks a rule of ranges',
  })
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
    return this.bus.send(UpdateRange, {
      actor,
      rangeId: params.id,
      changes: body,
    });
  }

  @Delete(':id')
  @HttpCode(HttpStatus.NO_CONTENT)
  @ApiOperation({ summary: 'Delete an availability range' })
  @ApiProblemResponses({
    401: true,
    403: 'a USER',
    404: 'no such range, or not yours',
    409: 'an active booking lies in the range',
    422: 'a malformed id',
  })
  @ApiNoContentResponse({
    description: 'The owner or an ADMIN; 409 while an active booking lies in the range.',
  })
  async remove(@CurrentActor() actor: Actor, @Param() params: RangeIdParamDto): Promise<void> {
    await this.bus.send(DeleteRange, {
      actor,
      rangeId: params.id,
    });
  }
}
