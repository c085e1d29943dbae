import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * The host time bookings hold, one document per key (occupied-cells.ts): its `_id` is the key,
 * so the `_id` index is the no-overlap guarantee (SPEC §5). Besides its keys, each hold has one
 * head document (`<bookingId>@<start ms>`) that says when the hold is, so a range change finds
 * the bookings being made right now. Holding is inserting, freeing is deleting (the one update,
 * `shared`, never touches an `_id`), so the guard works the same on MongoDB and FerretDB, with or
 * without the lock.
 */
@Schema({ collection: 'held_time', versionKey: false })
export class HeldTimeDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  /** The booking holding it: the booking may not be written yet (or ever, if its writer died). */
  @Prop({ required: true })
  bookingId!: string;

  @Prop({ required: true })
  heldAt!: Date;

  /** Heads only: `<hostId>|YYYY-MM` of the start, so a host's holds are one lookup per month. */
  @Prop({ type: String })
  hostMonth?: string;

  @Prop({ type: Date })
  startTime?: Date;

  @Prop({ type: Date })
  endTime?: Date;

  /** The host time the booking occupies: its slot widened by its event type's buffers. */
  @Prop({ type: Date })
  occupiedFrom?: Date;

  @Prop({ type: Date })
  occupiedUntil?: Date;

  @Prop({ type: String })
  eventTypeId?: string | null;

  /**
   * Set by a run that found this document held by its own booking already (another run of the
   * same command or key, at once or before, or a move onto time the booking holds) and goes on
   * with it: the run that inserted it then never gives it back on failing, as the booking
   * another run writes may rely on it. Only the booking letting go of it frees it.
   */
  @Prop({ type: Boolean })
  shared?: boolean;
}
export const HeldTimeSchema = SchemaFactory.createForClass(HeldTimeDocument);
HeldTimeSchema.index({ bookingId: 1 });
HeldTimeSchema.index({ hostMonth: 1 });
