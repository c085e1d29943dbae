import { Controller } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import {
  BookingActionCommand,
  BookingCommand,
  CancelBookingCommand,
  ChangeBookingCommand,
  CreateBookingCommand,
  ListBookingsCommand,
  ListBusyTimeCommand,
  ListHeldSlotsCommand,
  RescheduleBookingCommand,
} from '@slotbook/contracts';
import { CommandRunner } from '@slotbook/messaging';
import { BookingsService } from './bookings.service';
import { CreateBookingHandler } from './create-booking.handler';
import { RescheduleBookingHandler } from './reschedule-booking.handler';

@Controller()
export class BookingsHandlers {
  constructor(
    private readonly runner: CommandRunner,
    private readonly bookings: BookingsService,
    private readonly creates: CreateBookingHandler,
    private readonly reschedules: RescheduleBookingHandler,
  ) {}

  @MessagePattern(BookingCommand.CreateBooking)
  create(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, CreateBookingCommand, (command, delivery) =>
      this.creates.handle(command, delivery),
    );
  }

  @MessagePattern(BookingCommand.ListBookings)
  list(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ListBookingsCommand, (command) =>
      this.bookings.list(command),
    );
  }

  @MessagePattern(BookingCommand.GetBooking)
  get(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, BookingActionCommand, (command) =>
      this.bookings.get(command),
    );
  }

  @MessagePattern(BookingCommand.ConfirmBooking)
  confirm(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ChangeBookingCommand, (command) =>
      this.bookings.confirm(command),
    );
  }

  @MessagePattern(BookingCommand.CancelBooking)
  cancel(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, CancelBookingCommand, (command) =>
      this.bookings.cancel(command),
    );
  }

  @MessagePattern(BookingCommand.CompleteBooking)
  complete(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ChangeBookingCommand, (command) =>
      this.bookings.complete(command),
    );
  }

  @MessagePattern(BookingCommand.RescheduleBooking)
  reschedule(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, RescheduleBookingCommand, (command) =>
      this.reschedules.handle(command),
    );
  }

  @MessagePattern(BookingCommand.ListBusyTime)
  busyTime(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ListBusyTimeCommand, (command) =>
      this.bookings.busyTime(command),
    );
  }

  @MessagePattern(BookingCommand.ListHeldSlots)
  heldSlots(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ListHeldSlotsCommand, (command) =>
      this.bookings.heldSlots(command),
    );
  }
}
