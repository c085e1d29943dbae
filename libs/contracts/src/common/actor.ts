import { z } from 'zod';

export const Role = z.enum(['ADMIN', 'HOST', 'USER']);
export type Role = z.infer<typeof Role>;

/** Who issued a command, as the gateway established it from a verified token. */
export const Actor = z.object({
  id: z.string().min(1),
  role: Role,
  /** The session (refresh-token family) the request came from. */
  sessionId: z.string().min(1).optional(),
});
export type Actor = z.infer<typeof Actor>;

/**
 * Someone without an account (SPEC §5b), as the gateway established them: booking a public
 * event type (`id` from {@link guestBooking}), or holding the manage link of one booking (`id`
 * from {@link guestOfBooking}, the link's MAC verified by the gateway). Only booking's commands
 * take guests.
 */
export const GuestActor = z.object({
  id: z.string().regex(/^guest:/),
  role: z.literal('GUEST'),
});
export type GuestActor = z.infer<typeof GuestActor>;

/** The guest booking as `email` (their idempotency keys are theirs by email, SPEC §5b). */
export function guestBooking(email: string): GuestActor {
  return { id: `guest:${email.trim().toLowerCase()}`, role: 'GUEST' };
}

/** The holder of the manage link of booking `bookingId`. */
export function guestOfBooking(bookingId: string): GuestActor {
  return { id: `guest:${bookingId}`, role: 'GUEST' };
}

/** Who issued a booking command: a member, or a guest. */
export const BookingActor = z.union([Actor, GuestActor]);
export type BookingActor = z.infer<typeof BookingActor>;
