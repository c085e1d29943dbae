import type { ApiHeaderOptions } from '@nestjs/swagger';
import { createZodDto } from '../docs/zod-dto';
import { z } from 'zod';
import {
  AttendeeList,
  AttendeesParam,
  Booking,
  BookingIdParam,
  BookingPage,
  CancelBookingBody,
  CreateBookingBody,
  IdempotencyKey,
  ListBookingsQuery,
  PageCursorParam,
  PageLimitParam,
  RescheduleBookingBody,
  windowInOrder,
} from '@slotbook/contracts';

export class CreateBookingDto extends createZodDto(CreateBookingBody) {}
export class BookingDto extends createZodDto(Booking) {}
export class CreatedBookingDto extends createZodDto(
  Booking.extend({
    manageToken: z
      .string()
      .optional()
      .describe("a guest booking's manage link token (SPEC §5b), shown only in this answer"),
  }),
) {}
export class BookingPageDto extends createZodDto(BookingPage) {}
export class AttendeeListDto extends createZodDto(AttendeeList) {}
export class AttendeesParamDto extends createZodDto(AttendeesParam) {}
export class ListBookingsQueryDto extends createZodDto(
  ListBookingsQuery.extend({ limit: PageLimitParam, cursor: PageCursorParam }).superRefine(
    windowInOrder,
  ),
) {}
export class BookingIdParamDto extends createZodDto(BookingIdParam) {}
export class CancelBookingDto extends createZodDto(CancelBookingBody) {}
export class RescheduleBookingDto extends createZodDto(RescheduleBookingBody) {}

/** The `Idempotency-Key` header as the document states it, from the zod schema that checks it. */
export const IdempotencyKeyHeaderSchema = ((): ApiHeaderOptions['schema'] => {
  const { minLength, maxLength, pattern } = z.toJSONSchema(IdempotencyKey);
  return { type: 'string', minLength, maxLength, pattern };
})();
