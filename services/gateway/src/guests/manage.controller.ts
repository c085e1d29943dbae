import { randomUUID } from 'node:crypto';
import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  HttpStatus,
  Ip,
  Param,
  Post,
} from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import {
  CancelBooking,
  DomainError,
  ErrorCode,
  GetBookingWithEventType,
  GetUser,
  RescheduleBooking,
  guestOfBooking,
  type Booking,
  type GuestActor,
  type ManagedBooking,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import { Public } from '../auth/auth.decorators';
import { BookingDto, CancelBookingDto, RescheduleBookingDto } from '../booking/booking.dtos';
import { CALENDAR_MEDIA_TYPE, calendarFileContent } from '../calendar/calendar.dtos';
import { CalendarFiles } from '../calendar/calendar-files';
import { NO_TOKEN } from '../docs/security';
import { ApiProblemResponses } from '../problem/api-problem-responses';
import { ManagedBookingDto, ManageTokenParamDto } from './manage.dtos';
import { GuestLimits } from './guest-limits';
import { ManageTokens } from './manage-tokens';

const UNKNOWN_LINK = 'no such booking link';

/**
 * `/manage/:token` (SPEC §5b): a guest's booking, by the token its create answered, with no
 * other credential. A token the gateway did not make, or one the booking no longer honours
 * (expired, or not a guest booking's), is the same 404, and counts as a miss of the address.
 */
@ApiTags('manage')
@Public()
@Controller('manage')
export class ManageController {
  constructor(
    private readonly bus: CommandBus,
    private readonly tokens: ManageTokens,
    private readonly limits: GuestLimits,
    private readonly files: CalendarFiles,
  ) {}

  @Get(':token')
  @ApiOperation({ summary: "A guest's booking, with its event type and host", security: NO_TOKEN })
  @ApiProblemResponses({ 404: UNKNOWN_LINK, 422: true, 429: 'too many unknown links' })
  @ApiOkResponse({ type: ManagedBookingDto })
  async get(
    @Param() { token }: ManageTokenParamDto,
    @Ip() address: string,
  ): Promise<ManagedBooking> {
    const booking = await this.asHolder(token, address, (actor, bookingId) =>
      this.bus.send(GetBookingWithEventType, { actor, bookingId }),
    );
    const host = await this.bus.send(GetUser, { userId: booking.hostId });
    return { ...booking, host: { id: host.id, name: host.name } };
  }

  @Get(':token/ics')
  @Header('Content-Type', CALENDAR_MEDIA_TYPE)
  @Header('Content-Disposition', 'attachment; filename="booking.ics"')
  @Header('Cache-Control', 'no-store')
  @ApiOperation({ summary: "A guest's booking as a calendar file (SPEC §6b)", security: NO_TOKEN })
  @ApiProblemResponses({ 404: UNKNOWN_LINK, 422: true, 429: 'too many unknown links' })
  @ApiOkResponse({
    description: 'RFC 5545, as GET /bookings/{id}/ics answers it',
    content: calendarFileContent(),
  })
  ics(@Param() { token }: ManageTokenParamDto, @Ip() address: string): Promise<string> {
    return this.asHolder(token, address, (actor, bookingId) =>
      this.files.calendarFileOf(actor, bookingId),
    );
  }

  @Post(':token/cancel')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Cancel a guest's booking (its event type's cancel notice applies)",
    security: NO_TOKEN,
  })
  @ApiProblemResponses({
    400: true,
    404: UNKNOWN_LINK,
    409: 'the booking is already cancelled, completed or a no-show',
    413: true,
    422: "inside the event type's minimum cancel notice",
    429: 'too many unknown links',
  })
  @ApiOkResponse({ type: BookingDto })
  cancel(
    @Param() { token }: ManageTokenParamDto,
    @Body() body: CancelBookingDto,
    @Ip() address: string,
  ): Promise<Booking> {
    return this.asHolder(token, address, (actor, bookingId) =>
      this.bus.send(CancelBooking, { actor, bookingId, commandId: randomUUID(), ...body }),
    );
  }

  @Post(':token/reschedule')
  @HttpCode(HttpStatus.OK)
  @ApiOperation({
    summary: "Move a guest's booking to another free slot: same id, same link, atomically",
    security: NO_TOKEN,
  })
  @ApiProblemResponses({
    400: true,
    404: UNKNOWN_LINK,
    409: "the new slot's occupied time overlaps another booking, or the booking cannot move",
    413: true,
    422: 'not a slot of the event type, in the past, or inside the cancel notice',
    429: 'too many unknown links',
  })
  @ApiOkResponse({ type: BookingDto })
  reschedule(
    @Param() { token }: ManageTokenParamDto,
    @Body() body: RescheduleBookingDto,
    @Ip() address: string,
  ): Promise<Booking> {
    return this.asHolder(token, address, (actor, bookingId) =>
      this.bus.send(RescheduleBooking, {
        actor,
        bookingId,
        commandId: randomUUID(),
        startTime: body.startTime,
      }),
    );
  }

  /**
   * Runs `call` as the holder of the token's booking. An address that missed too often this
   * window is refused first (429); a token that is not a live guest booking's is a miss (404).
   */
  private async asHolder<T>(
    token: string,
    address: string,
    call: (actor: GuestActor, bookingId: string) => Promise<T>,
  ): Promise<T> {
    await this.limits.beforeManage(address);
    const bookingId = this.tokens.bookingOf(token);
    if (bookingId === null) return this.miss(address);
    try {
      return await call(guestOfBooking(bookingId), bookingId);
    } catch (error) {
      if (error instanceof DomainError && error.code === ErrorCode.NotFound) {
        return this.miss(address);
      }
      throw error;
    }
  }

  private async miss(address: string): Promise<never> {
    await this.limits.missed(address);
    throw new DomainError(ErrorCode.NotFound, UNKNOWN_LINK);
  }
}
