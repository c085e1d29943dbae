import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Get,
  Headers,
  HttpCode,
  HttpStatus,
  Ip,
  Param,
  Post,
  Query,
} from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import {
  CancelBooking,
  CompleteBooking,
  ConfirmBooking,
  CreateBooking,
  DomainError,
  ErrorCode,
  GetBooking,
  IdempotencyKey,
  ListBookings,
  MarkNoShow,
  RescheduleBooking,
  fieldErrorsFromZod,
  guestBooking,
  type Actor,
  type BookingActor,
  type Booking,
  type Page,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { CurrentActor, GuestsWelcome, MaybeActor } from '../auth/auth.decorators';
import { GuestLimits } from '../guests/guest-limits';
import { ManageTokens } from '../guests/manage-tokens';
import { PageCursors, filterOf } from '../pagination/page-cursors';
import { TOKEN_OPTIONAL } from '../docs/security';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import {
  BookingDto,
  BookingIdParamDto,
  BookingPageDto,
  CancelBookingDto,
  CreatedBookingDto,
  CreateBookingDto,
  IdempotencyKeyHeaderSchema,
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
    private readonly tokens: ManageTokens,
    private readonly guests: GuestLimits,
  ) {}

  @Post()
  @GuestsWelcome()
  @ApiOperation({
    summary: "Book a slot of a host's ranges or of an event type",
    security: TOKEN_OPTIONAL,
    description:
      'With a token, as a member. Without one, as a guest: a public event type only, with ' +
      '`guest`; the answer then carries `manageToken`, shown only here (SPEC §5b).',
  })
  // The same name as the @Headers() parameter below, so the document lists the header once.
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'the same key from the same user within 24 h answers what its first request did: the ' +
      'booking it made (as it is now), or the same 409, 422 or 404; requests with one key at ' +
      'once all answer that one booking; the key with another request is 422',
    schema: IdempotencyKeyHeaderSchema,
  })
  @ApiProblemResponses({
    400: true,
    401: 'no token, and not a guest booking of a public event type',
    404: 'no such host or event type, or one that cannot be booked',
    409: "the slot's occupied time (buffers included) overlaps a booking of the host",
    413: true,
    422:
      'hostId and eventTypeId both or neither given; not a slot of the host or event type; ' +
      'in the past, inside the minimum notice or beyond the horizon; your own slot; or a bad ' +
      'Idempotency-Key; `guest` given with a token, or answers that do not fit the questions',
    429: 'too many bookings without an account from this address',
  })
  @ApiCreatedResponse({
    type: CreatedBookingDto,
    description:
      'the booking: pending when its range or event type requires confirmation, else ' +
      "confirmed; a guest's carries its manageToken",
  })
  async create(
    @MaybeActor() member: Actor | undefined,
    @Body() body: CreateBookingDto,
    @Ip() address: string,
    @Headers('Idempotency-Key') key?: string,
  ): Promise<Booking & { manageToken?: string }> {
    const actor = member ?? (await this.guestOf(body, address));
    if (member && body.guest !== undefined) {
      throw DomainError.validation('guest is only for bookings without an account', [
        { path: 'guest', message: 'is only for bookings without an access token' },
      ]);
    }
    const idempotencyKey = idempotencyKeyOf(key);
    const booking = await this.bus.send(CreateBooking, {
      ...body,
      actor,
      idempotencyKey,
      commandId: randomUUID(),
    });
    return actor.role === 'GUEST'
      ? { ...booking, manageToken: this.tokens.tokenOf(booking.id) }
      : booking;
  }

  /** The guest a booking without a token is made as (SPEC §5b). */
  private async guestOf(body: CreateBookingDto, address: string): Promise<BookingActor> {
    if (body.guest === undefined || body.hostId !== undefined) {
      throw new DomainError(
        ErrorCode.Unauthorized,
        body.guest === undefined
          ? 'an access token is required, or guest details to book a public event type'
          : "booking a host's ranges needs an access token",
      );
    }
    await this.guests.beforeGuestBooking(address);
    return guestBooking(body.guest.email);
  }

  @Get()
  @ApiOperation({ summary: 'List bookings you may see' })
  @ApiProblemResponses({ 401: true, 422: 'a bad filter, limit or cursor' })
  @ApiOkResponse({ type: BookingPageDto, description: 'ordered by startTime, then id' })
  list(@CurrentActor() actor: Actor, @Query() query: ListBookingsQueryDto): Promise<Page<Booking>> {
    const scope = { route: 'GET /bookings', actor, filter: filterOf(query) };
    return this.cursors.page(scope, query.cursor, (cursor) =>
      this.bus.send(ListBookings, {
        actor,
        query: { ...query, cursor },
      }),
    );
  }

  @Get(':id')
  @ApiOperation({ summary: 'A booking (its guest, its host or an ADMIN)' })
  @ApiProblemResponses({ 401: true, 404: 'no such booking, or not yours to see', 422: true })
  @ApiOkResponse({ type: BookingDto })
  get(@CurrentActor() actor: Actor, @Param() params: BookingIdParamDto): Promise<Booking> {
    return this.bus.send(GetBooking, { actor, bookingId: params.id });
  }

  @Post(':id/confirm')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Confirm a pending booking (its host or an ADMIN)' })
  @ApiProblemResponses({
    401: true,
    403: 'the guest may not confirm',
    404: 'no such booking, or not yours to see',
    409: 'the booking is not pending',
    422: true,
  })
  @ApiOkResponse({ type: BookingDto, description: 'pending → confirmed (host or admin)' })
  confirm(@CurrentActor() actor: Actor, @Param() params: BookingIdParamDto): Promise<Booking> {
    return this.bus.send(ConfirmBooking, {
      actor,
      bookingId: params.id,
      commandId: randomUUID(),
    });
  }

  @Post(':id/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Cancel a booking; its slot is free again at once' })
  @ApiProblemResponses({
    400: true,
    401: true,
    404: 'no such booking, or not yours to see',
    409: 'the booking is already cancelled or completed',
    413: true,
    422: true,
  })
  @ApiOkResponse({
    type: BookingDto,
    description: 'pending/confirmed → cancelled; the slot is free again at once',
  })
  cancel(
    @CurrentActor() actor: Actor,
    @Param() params: BookingIdParamDto,
    @Body() body: CancelBookingDto,
  ): Promise<Booking> {
    return this.bus.send(CancelBooking, {
      actor,
      bookingId: params.id,
      commandId: randomUUID(),
      ...body,
    });
  }

  @Post(':id/complete')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Mark a confirmed booking completed once its slot has ended' })
  @ApiProblemResponses({
    401: true,
    403: 'the guest may not complete',
    404: 'no such booking, or not yours to see',
    409: 'the booking is not confirmed, or its slot has not ended',
    422: true,
  })
  @ApiOkResponse({
    type: BookingDto,
    description: 'confirmed → completed, once the slot has ended',
  })
  complete(@CurrentActor() actor: Actor, @Param() params: BookingIdParamDto): Promise<Booking> {
    return this.bus.send(CompleteBooking, {
      actor,
      bookingId: params.id,
      commandId: randomUUID(),
    });
  }

  @Post(':id/no-show')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Mark that the guest did not come, once the slot has started' })
  @ApiProblemResponses({
    401: true,
    403: 'the guest may not mark a no-show',
    404: 'no such booking, or not yours to see',
    409: 'the booking is not confirmed, or its slot has not started',
    422: true,
  })
  @ApiOkResponse({
    type: BookingDto,
    description: 'confirmed → no_show, once the slot has started; its time stays taken',
  })
  markNoShow(@CurrentActor() actor: Actor, @Param() params: BookingIdParamDto): Promise<Booking> {
    return this.bus.send(MarkNoShow, { actor, bookingId: params.id, commandId: randomUUID() });
  }

  @Post(':id/reschedule')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({ summary: 'Move a booking to another free slot of the same host, atomically' })
  @ApiProblemResponses({
    400: true,
    401: true,
    404: 'no such booking, or not yours to see',
    409: "the new slot's occupied time overlaps another booking, or the booking cannot move in its status",
    413: true,
    422: "not a slot of the host or of the booking's event type, or in the past",
  })
  @ApiOkResponse({
    type: BookingDto,
    description: 'atomic: the new slot is held and the old one freed, or nothing changes',
  })
  reschedule(
    @CurrentActor() actor: Actor,
    @Param() params: BookingIdParamDto,
    @Body() body: RescheduleBookingDto,
  ): Promise<Booking> {
    return this.bus.send(RescheduleBooking, {
      actor,
      bookingId: params.id,
      commandId: randomUUID(),
      startTime: body.startTime,
    });
  }
}

function idempotencyKeyOf(key: string | undefined): string | undefined {
  if (key === undefined) return undefined;
  const parsed = IdempotencyKey.safeParse(key);
  if (!parsed.success) {
    throw DomainError.validation(
      'the Idempotency-Key header is invalid',
      fieldErrorsFromZod(parsed.error, 'Idempotency-Key'),
    );
  }
  return parsed.data;
}
