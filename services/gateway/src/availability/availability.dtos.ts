import { createZodDto } from '../docs/zod-dto';
import {
  AvailabilityRange,
  AvailabilityRangeList,
  CreateRangeBody,
  EventTypeSlotsQuery,
  HostIdParam,
  RangeIdParam,
  RangesQuery,
  SlotList,
  SlotsQuery,
  UpdateRangeBody,
} from '@slotbook/contracts';

export class CreateRangeDto extends createZodDto(CreateRangeBody) {}
export class UpdateRangeDto extends createZodDto(UpdateRangeBody) {}
export class AvailabilityRangeDto extends createZodDto(AvailabilityRange) {}
export class AvailabilityRangeListDto extends createZodDto(AvailabilityRangeList) {}
export class RangesQueryDto extends createZodDto(RangesQuery) {}
export class SlotsQueryDto extends createZodDto(SlotsQuery) {}
export class EventTypeSlotsQueryDto extends createZodDto(EventTypeSlotsQuery) {}
export class SlotListDto extends createZodDto(SlotList) {}
export class HostIdParamDto extends createZodDto(HostIdParam) {}
export class RangeIdParamDto extends createZodDto(RangeIdParam) {}
