import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiTags,
} from '@nestjs/swagger';
import {
  BOOKING_QUEUE,
  BookingCommand,
  DomainError,
  IdempotencyKey,
  fieldErrorsFromZod,
  type Actor,
  type Booking,
  type Page,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { CurrentActor } from '../auth/auth.decorators';
import { PageCursors, filterOf } from '../pagination/page-cursors';
import {
  BookingDto,
  BookingIdParamDto,
  BookingPageDto,
  CancelBookingDto,
  CreateBookingDto,
  ListBookingsQueryDto,
  RescheduleBookingDto,
} from './booking.dtos';

@ApiTags('bookings')
@ApiBearerAuth()
@Controller('bookings')
export class BookingsController {
  constructor(
    private readonly bus: CommandBus,
    private readonly cursors: PageCursors,
  ) {}

  @Post()
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description: 'replays the first answer for 24 h',
  })
  @ApiCreatedResponse({
    type: BookingDto,
    description: '409 when the slot is taken; 422 when it is not a slot of the host',
  })
  create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateBookingDto,
    @Headers('idempotency-key') key?: string,
  ): Promise<Booking> {
    let idempotencyKey: string | undefined;
    if (key !== undefined) {
      const parsed = IdempotencyKey.safeParse(key);
      if (!parsed.success)
        throw DomainError.validation(
          'the Idempotency-Key header is invalid',
          fieldErrorsFromZod(parsed.error, 'Idempotency-Key'),
        );
      idempotencyKey = parsed.data;
    }
    return this.bus.send(BOOKING_QUEUE, BookingCommand.CreateBooking, {
      ...body,
      actor,
      idempotencyKey,
      commandId: randomUUID(),
    });
  }

  @Get()
  @ApiOkResponse({ type: BookingPageDto, description: 'ordered by startTime, then id' })
  list(@CurrentActor() actor: Actor, @Query() query: ListBookingsQueryDto): Promise<Page<Booking>> {
    const scope = { route: 'GET /bookings', actor, filter: filterOf(query) };
    return this.cursors.page(scope, query.cursor, (cursor) =>
      this.bus.send(BOOKING_QUEUE, BookingCommand.ListBookings, {
        actor,
        query: { ...query, cursor },
      }),
    );
  }

  @Get(':id')
  @ApiOkResponse({ type: BookingDto })
  get(@CurrentActor() actor: Actor, @Param() params: BookingIdParamDto): Promise<Booking> {
    return this.bus.send(BOOKING_QUEUE, BookingCommand.GetBooking, { actor, bookingId: params.id });
  }

  @Post(':id/confirm')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({ type: BookingDto, description: 'pending → confirmed (host or admin)' })
  confirm(@CurrentActor() actor: Actor, @Param() params: BookingIdParamDto): Promise<Booking> {
    return this.bus.send(BOOKING_QUEUE, BookingCommand.ConfirmBooking, {
      actor,
      bookingId: params.id,
    });
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: BookingDto,
    description: 'pending/confirmed → cancelled; the slot is free again at once',
  })
  cancel(
    @CurrentActor() actor: Actor,
    @Param() params: BookingIdParamDto,
    @Body() body: CancelBookingDto,
  ): Promise<Booking> {
    return this.bus.send(BOOKING_QUEUE, BookingCommand.CancelBooking, {
      actor,
      bookingId: params.id,
      ...body,
    });
  }

  @Post(':id/complete')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: BookingDto,
    description: 'confirmed → completed, once the slot has ended',
  })
  complete(@CurrentActor() actor: Actor, @Param() params: BookingIdParamDto): Promise<Booking> {
    return this.bus.send(BOOKING_QUEUE, BookingCommand.CompleteBooking, {
      actor,
      bookingId: params.id,
    });
  }

  @Post(':id/reschedule')
  @HttpCode(HttpStatus.OK)
  @ApiOkResponse({
    type: BookingDto,
    description: 'atomic: the new slot is held and the old one freed, or nothing changes',
  })
  reschedule(
    @CurrentActor() actor: Actor,
    @Param() params: BookingIdParamDto,
    @Body() body: RescheduleBookingDto,
  ): Promise<Booking> {
    return this.bus.send(BOOKING_QUEUE, BookingCommand.RescheduleBooking, {
      actor,
      bookingId: params.id,
      startTime: body.startTime,
    });
  }
}
