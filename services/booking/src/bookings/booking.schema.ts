import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  BookingStatus,
  type Booking,
  type BookingGuest,
  type ResponseValue,
} from '@slotbook/contracts';
import { OutboxRecord, indexOutbox } from '@slotbook/persistence';

@Schema({ collection: 'bookings', versionKey: false })
export class BookingDocument extends OutboxRecord {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  hostId!: string;

  /** The member who booked; null for a guest's booking. */
  @Prop({ type: String, default: null })
  userId!: string | null;

  // Stored only when they differ from what a member's new booking has (no guest, no answers,
  // sequence 0): the record stays as small as before guests for the common create.

  /** Who booked without an account (SPEC §5b); absent for a member's booking. */
  @Prop({ type: Object })
  guest?: BookingGuest;

  /** The answers to the event type's questions, as given (SPEC §4b); absent when none. */
  @Prop({ type: Object })
  responses?: Record<string, ResponseValue>;

  /** The calendar SEQUENCE: +1 at each reschedule, confirm and cancel (SPEC §6b); absent: 0. */
  @Prop({ type: Number })
  sequence?: number;

  @Prop({ required: true })
  startTime!: Date;

  @Prop({ required: true })
  endTime!: Date;

  @Prop({ type: String, required: true, enum: BookingStatus.options })
  status!: BookingStatus;

  @Prop({ type: String, default: null })
  notes!: string | null;

  @Prop({ type: String, default: null })
  cancellationReason!: string | null;

  /** `<hostId>|YYYY-MM` of the start (UTC): a host's bookings of a month are one lookup. */
  @Prop({ required: true })
  hostMonth!: string;

  /**
   * The ids of the last commands that changed the booking (its create's first): a command run
   * again finds its own write here and answers it, instead of deciding again on its result.
   */
  @Prop({ type: [String], default: [] })
  commands!: string[];

  /** The range the slot belongs to; null for an event type's slot. */
  @Prop({ type: String, default: null })
  rangeId!: string | null;

  /** The event type booked; null for a slot of a range. */
  @Prop({ type: String, default: null })
  eventTypeId!: string | null;

  /** Minutes the booking keeps free before and after it: its event type's, when booked. */
  @Prop({ type: Number, default: 0 })
  bufferBefore!: number;

  @Prop({ type: Number, default: 0 })
  bufferAfter!: number;

  /** Holds a seat of a group slot (SPEC §5, seats) rather than the slot; absent: false. */
  @Prop({ type: Boolean })
  seated?: boolean;

  /**
   * Of a create made with an `Idempotency-Key`: what it asked (a hash), so that the key sent
   * again with another request is refused. Such a booking's id is the key's (create-booking.handler.ts).
   */
  @Prop({ type: String })
  requestHash?: string;

  /** Of a keyed create: the booking as it answered, which the key answers again (SPEC §5). */
  @Prop({ type: Object })
  reply?: Booking;
}
export const BookingSchema = SchemaFactory.createForClass(BookingDocument);
// Lists are an equality on one party (served by the leading field), sorted by (startTime, _id).
BookingSchema.index({ userId: 1, startTime: 1, _id: 1 });
BookingSchema.index({ hostId: 1, startTime: 1, _id: 1 });
BookingSchema.index({ startTime: 1, _id: 1 });
BookingSchema.index({ hostMonth: 1 });
indexOutbox(BookingSchema);
