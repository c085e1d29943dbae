import { Controller, Inject, Logger } from '@nestjs/common';
import { Ctx, MessagePattern, Payload, RmqContext } from '@nestjs/microservices';
import {
  AnnounceHostTermsCommand,
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
import { BOOKING_CONFIG, type BookingConfig } from '../config';
import { AnnouncedVersions } from './announced-versions';
import { BookingsService } from './bookings.service';
import { CreateBookingHandler } from './create-booking.handler';
import { RescheduleBookingHandler } from './reschedule-booking.handler';

@Controller()
export class BookingsHandlers {
  private readonly logger = new Logger(BookingsHandlers.name);

  constructor(
    @Inject(BOOKING_CONFIG) private readonly config: BookingConfig,
    private readonly runner: CommandRunner,
    private readonly bookings: BookingsService,
    private readonly creates: CreateBookingHandler,
    private readonly reschedules: RescheduleBookingHandler,
    private readonly versions: AnnouncedVersions,
  ) {}

  @MessagePattern(BookingCommand.AnnounceHostTerms)
  announceHostTerms(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, AnnounceHostTermsCommand, async (command) => {
      await this.versions.raise(command.hostId, command.version);
      return null;
    });
  }

  @MessagePattern(BookingCommand.CreateBooking)
  create(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, CreateBookingCommand, (command, delivery) =>
      this.written(this.creates.handle(command, delivery)),
    );
  }

  /** A write's answer, after the stall a fault spec asks for (TEST_STALL_AFTER_WRITE_MS). */
  private async written<T>(result: Promise<T>): Promise<T> {
    const answer = await result;
    if (this.config.TEST_STALL_AFTER_WRITE_MS > 0) {
      this.logger.warn(`stalling ${this.config.TEST_STALL_AFTER_WRITE_MS} ms after a write`);
      await new Promise((resolve) => setTimeout(resolve, this.config.TEST_STALL_AFTER_WRITE_MS));
    }
    return answer;
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
      this.written(this.bookings.confirm(command)),
    );
  }

  @MessagePattern(BookingCommand.CancelBooking)
  cancel(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, CancelBookingCommand, (command) =>
      this.written(this.bookings.cancel(command)),
    );
  }

  @MessagePattern(BookingCommand.CompleteBooking)
  complete(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, ChangeBookingCommand, (command) =>
      this.written(this.bookings.complete(command)),
    );
  }

  @MessagePattern(BookingCommand.RescheduleBooking)
  reschedule(@Payload() payload: unknown, @Ctx() context: RmqContext) {
    return this.runner.run(context, payload, RescheduleBookingCommand, (command) =>
      this.written(this.reschedules.handle(command)),
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
