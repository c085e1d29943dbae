import { Controller, Inject, Logger } from '@nestjs/common';
import {
  AnnounceHostTerms,
  CancelBooking,
  CompleteBooking,
  ConfirmBooking,
  CreateBooking,
  GetBooking,
  GetBookingWithEventType,
  ListAttendees,
  ListBookings,
  ListBusyTime,
  ListHeldSlots,
  MarkNoShow,
  RescheduleBooking,
} from '@slotbook/contracts';
import { Handles, type CommandOf, type Delivery } from '@slotbook/messaging';
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
    private readonly bookings: BookingsService,
    private readonly creates: CreateBookingHandler,
    private readonly reschedules: RescheduleBookingHandler,
    private readonly versions: AnnouncedVersions,
  ) {}

  @Handles(AnnounceHostTerms)
  async announceHostTerms(command: CommandOf<typeof AnnounceHostTerms>) {
    await this.versions.raise(command.hostId, command.version);
    return null;
  }

  @Handles(CreateBooking)
  create(command: CommandOf<typeof CreateBooking>, delivery: Delivery) {
    return this.written(this.creates.handle(command, delivery));
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

  @Handles(ListAttendees)
  attendees(command: CommandOf<typeof ListAttendees>) {
    return this.bookings.attendees(command);
  }

  @Handles(ListBookings)
  list(command: CommandOf<typeof ListBookings>) {
    return this.bookings.list(command);
  }

  @Handles(GetBooking)
  get(command: CommandOf<typeof GetBooking>) {
    return this.bookings.get(command);
  }

  @Handles(GetBookingWithEventType)
  getWithEventType(command: CommandOf<typeof GetBookingWithEventType>) {
    return this.bookings.getWithEventType(command);
  }

  @Handles(ConfirmBooking)
  confirm(command: CommandOf<typeof ConfirmBooking>) {
    return this.written(this.bookings.confirm(command));
  }

  @Handles(CancelBooking)
  cancel(command: CommandOf<typeof CancelBooking>) {
    return this.written(this.bookings.cancel(command));
  }

  @Handles(CompleteBooking)
  complete(command: CommandOf<typeof CompleteBooking>) {
    return this.written(this.bookings.complete(command));
  }

  @Handles(MarkNoShow)
  markNoShow(command: CommandOf<typeof MarkNoShow>) {
    return this.written(this.bookings.markNoShow(command));
  }

  @Handles(RescheduleBooking)
  reschedule(command: CommandOf<typeof RescheduleBooking>) {
    return this.written(this.reschedules.handle(command));
  }

  @Handles(ListBusyTime)
  busyTime(command: CommandOf<typeof ListBusyTime>) {
    return this.bookings.busyTime(command);
  }

  @Handles(ListHeldSlots)
  heldSlots(command: CommandOf<typeof ListHeldSlots>) {
    return this.bookings.heldSlots(command);
  }
}
