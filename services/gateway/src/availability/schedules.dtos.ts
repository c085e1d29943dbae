import { createZodDto } from '../docs/zod-dto';
import {
  CreateEventTypeBody,
  CreateScheduleBody,
  EventType,
  EventTypeIdParam,
  EventTypeList,
  Schedule,
  ScheduleIdParam,
  ScheduleList,
  UpdateEventTypeBody,
  UpdateScheduleBody,
} from '@slotbook/contracts';

export class CreateScheduleDto extends createZodDto(CreateScheduleBody) {}
export class UpdateScheduleDto extends createZodDto(UpdateScheduleBody) {}
export class ScheduleDto extends createZodDto(Schedule) {}
export class ScheduleListDto extends createZodDto(ScheduleList) {}
export class ScheduleIdParamDto extends createZodDto(ScheduleIdParam) {}
export class CreateEventTypeDto extends createZodDto(CreateEventTypeBody) {}
export class UpdateEventTypeDto extends createZodDto(UpdateEventTypeBody) {}
export class EventTypeDto extends createZodDto(EventType) {}
export class EventTypeListDto extends createZodDto(EventTypeList) {}
export class EventTypeIdParamDto extends createZodDto(EventTypeIdParam) {}
