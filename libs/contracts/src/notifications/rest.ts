import { z } from 'zod';
import { PageQuery, pageOf } from '../common/pagination';
import { InstantOut } from '../common/timestamp';

/**
 * Where a mail stands: `pending` until it is sent (or while its sends are retried, and for a
 * reminder until it is due), `sent`, `failed` after 24 h of refused sends, `dropped` for a
 * reminder of a booking that was cancelled or moved before it was due.
 */
export const MailStatus = z.enum(['pending', 'sent', 'failed', 'dropped']);
export type MailStatus = z.infer<typeof MailStatus>;

/** What a mail tells (SPEC §6c). */
export const MailKind = z.enum(['created', 'rescheduled', 'confirmed', 'cancelled', 'reminder']);
export type MailKind = z.infer<typeof MailKind>;

/** Whom a mail is for: the booking's guest (a member or not) or its host. */
export const MailRecipientRole = z.enum(['guest', 'host']);
export type MailRecipientRole = z.infer<typeof MailRecipientRole>;

/** One mail to one recipient, as `GET /admin/mail` lists it (never its body). */
export const MailRecord = z.object({
  id: z.string(),
  /** The booking event the mail is about (for a reminder: the event that planned it). */
  eventId: z.string(),
  bookingId: z.string(),
  kind: MailKind,
  role: MailRecipientRole,
  to: z.string(),
  status: MailStatus,
  /** The `Message-ID` every attempt sends, derived from the event and the recipient. */
  messageId: z.string(),
  attempts: z.number().int(),
  lastError: z.string().nullable(),
  /** When it is sent (a reminder), or tried again; null once settled. */
  dueAt: InstantOut.nullable(),
  createdAt: InstantOut,
  sentAt: InstantOut.nullable(),
});
export type MailRecord = z.infer<typeof MailRecord>;

export const MailPage = pageOf(MailRecord);
export type MailPage = z.infer<typeof MailPage>;

export const ListMailQuery = PageQuery.extend({ status: MailStatus.optional() });
export type ListMailQuery = z.infer<typeof ListMailQuery>;
