import { Controller } from '@nestjs/common';
import {
  CreateEventType,
  CreateSchedule,
  DeleteEventType,
  DeleteSchedule,
  GetBookableEventType,
  GetEventType,
  GetSchedule,
  ListEventTypes,
  ListSchedules,
  UpdateEventType,
  UpdateSchedule,
} from '@slotbook/contracts';
import { Handles, type CommandOf } from '@slotbook/messaging';
import { SchedulesService } from './schedules.service';

/** Schedules and event types (SPEC §4a): each command validated, then handed to the service. */
@Controller()
export class SchedulesHandlers {
  constructor(private readonly schedules: SchedulesService) {}

  @Handles(CreateSchedule)
  createSchedule(command: CommandOf<typeof CreateSchedule>) {
    return this.schedules.createSchedule(command);
  }

  @Handles(GetSchedule)
  getSchedule(command: CommandOf<typeof GetSchedule>) {
    return this.schedules.getSchedule(command);
  }

  @Handles(UpdateSchedule)
  updateSchedule(command: CommandOf<typeof UpdateSchedule>) {
    return this.schedules.updateSchedule(command);
  }

  @Handles(DeleteSchedule)
  async deleteSchedule(command: CommandOf<typeof DeleteSchedule>) {
    await this.schedules.deleteSchedule(command);
    return null;
  }

  @Handles(ListSchedules)
  listSchedules(command: CommandOf<typeof ListSchedules>) {
    return this.schedules.listSchedules(command);
  }

  @Handles(CreateEventType)
  createEventType(command: CommandOf<typeof CreateEventType>) {
    return this.schedules.createEventType(command);
  }

  @Handles(GetEventType)
  getEventType(command: CommandOf<typeof GetEventType>) {
    return this.schedules.getEventType(command);
  }

  @Handles(UpdateEventType)
  updateEventType(command: CommandOf<typeof UpdateEventType>) {
    return this.schedules.updateEventType(command);
  }

  @Handles(DeleteEventType)
  async deleteEventType(command: CommandOf<typeof DeleteEventType>) {
    await this.schedules.deleteEventType(command);
    return null;
  }

  @Handles(ListEventTypes)
  listEventTypes(command: CommandOf<typeof ListEventTypes>) {
    return this.schedules.listEventTypes(command);
  }

  @Handles(GetBookableEventType)
  getBookableEventType(command: CommandOf<typeof GetBookableEventType>) {
    return this.schedules.getBookable(command);
  }
}
