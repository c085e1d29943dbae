import { createZodDto } from 'nestjs-zod';
import {
  Booking,
  BookingIdParam,
  BookingPage,
  CancelBookingBody,
  CreateBookingBody,
  ListBookingsQuery,
  PageCursorParam,
  PageLimitParam,
  RescheduleBookingBody,
  windowInOrder,
} from '@slotbook/contracts';

export class CreateBookingDto extends createZodDto(CreateBookingBody) {}
export class BookingDto extends createZodDto(Booking) {}
export class BookingPageDto extends createZodDto(BookingPage) {}
export class ListBookingsQueryDto extends createZodDto(
  ListBookingsQuery.extend({ limit: PageLimitParam, cursor: PageCursorParam }).superRefine(
    windowInOrder,
  ),
) {}
export class BookingIdParamDto extends createZodDto(BookingIdParam) {}
export class CancelBookingDto extends createZodDto(CancelBookingBody) {}
export class RescheduleBookingDto extends createZodDto(RescheduleBookingBody) {}
