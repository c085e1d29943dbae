import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * The double-booking guarantee: one document per held slot, and a unique index on its
 * `slotKey` (`hostId|startTime`). Holding a slot is an insert, freeing it is a delete of that
 * very claim by its own `_id` (a token unique to the claim), so a delete can never remove a
 * later claim of the same slot. No update ever touches the key, so the guard works the same on
 * MongoDB and FerretDB, with or without the lock.
 */
@Schema({ collection: 'slot_claims', versionKey: false })
export class SlotClaimDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true, unique: true })
  slotKey!: string;

  @Prop({ required: true })
  hostId!: string;

  /** `<hostId>|YYYY-MM` of the start (UTC): a host's held slots are one lookup per month. */
  @Prop({ required: true })
  hostMonth!: string;

  @Prop({ required: true })
  startTime!: Date;

  /** Known once the claim is settled (its booking holds it); null while the booking is being made. */
  @Prop({ type: Date, default: null })
  endTime!: Date | null;

  @Prop({ required: true })
  bookingId!: string;

  @Prop({ required: true })
  createdAt!: Date;

  /**
   * True while the claim may not be held by its booking: from its insert until its booking is
   * known to hold it, and again from the moment the booking starts letting go of it (cancel,
   * reschedule). The sweeper looks only at these, so its query matches few claims.
   */
  @Prop({ required: true })
  sweepPending!: boolean;

  /** How often the claim was marked for the sweeper: the compare-and-set of a settle. */
  @Prop({ required: true, default: 0 })
  marks!: number;

  /** When the claim was inserted or last marked: the sweeper judges it only after a grace period. */
  @Prop({ required: true })
  markedAt!: Date;
}
export const SlotClaimSchema = SchemaFactory.createForClass(SlotClaimDocument);
SlotClaimSchema.index({ hostMonth: 1, startTime: 1 });
SlotClaimSchema.index({ sweepPending: 1 });
