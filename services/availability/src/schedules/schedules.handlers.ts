import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import {
  AvailabilityCommand,
  CreateEventTypeCommand,
  CreateScheduleCommand,
  EventTypeActionCommand,
  GetBookableEventTypeCommand,
  ListHostRecordsCommand,
  ScheduleActionCommand,
  UpdateEventTypeCommand,
  UpdateScheduleCommand,
} from '@slotbook/contracts';
import { CommandRunner } from '@slotbook/messaging';
import { SchedulesService } from './schedules.service';

/** Schedules and event types (SPEC §4a): each command validated, then handed to the service. */
@Controller()
export class SchedulesHandlers {
  constructor(
    private readonly runner: CommandRunner,
    private readonly schedules: SchedulesService,
  ) {}

  @MessagePattern(AvailabilityCommand.CreateSchedule)
  createSchedule(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, CreateScheduleCommand, (command) =>
      this.schedules.createSchedule(command),
    );
  }

  @MessagePattern(AvailabilityCommand.GetSchedule)
  getSchedule(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ScheduleActionCommand, (command) =>
      this.schedules.getSchedule(command),
    );
  }

  @MessagePattern(AvailabilityCommand.UpdateSchedule)
  updateSchedule(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, UpdateScheduleCommand, (command) =>
      this.schedules.updateSchedule(command),
    );
  }

  @MessagePattern(AvailabilityCommand.DeleteSchedule)
  deleteSchedule(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ScheduleActionCommand, async (command) => {
      await this.schedules.deleteSchedule(command);
      return null;
    });
  }

  @MessagePattern(AvailabilityCommand.ListSchedules)
  listSchedules(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ListHostRecordsCommand, (command) =>
      this.schedules.listSchedules(command),
    );
  }

  @MessagePattern(AvailabilityCommand.CreateEventType)
  createEventType(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, CreateEventTypeCommand, (command) =>
      this.schedules.createEventType(command),
    );
  }

  @MessagePattern(AvailabilityCommand.GetEventType)
  getEventType(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, EventTypeActionCommand, (command) =>
      this.schedules.getEventType(command),
    );
  }

  @MessagePattern(AvailabilityCommand.UpdateEventType)
  updateEventType(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, UpdateEventTypeCommand, (command) =>
      this.schedules.updateEventType(command),
    );
  }

  @MessagePattern(AvailabilityCommand.DeleteEventType)
  deleteEventType(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, EventTypeActionCommand, async (command) => {
      await this.schedules.deleteEventType(command);
      return null;
    });
  }

  @MessagePattern(AvailabilityCommand.ListEventTypes)
  listEventTypes(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ListHostRecordsCommand, (command) =>
      this.schedules.listEventTypes(command),
    );
  }

  @MessagePattern(AvailabilityCommand.GetBookableEventType)
  getBookableEventType(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, GetBookableEventTypeCommand, (command) =>
      this.schedules.getBookable(command),
    );
  }
}
