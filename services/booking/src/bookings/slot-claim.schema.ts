import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * A booking's hold on its slot: one document per held slot, with a unique index on its
 * `slotKey` (`hostId|startTime`), and the cells of its occupied time in `slot_cells` (see
 * occupied-cells.ts), whose unique keys are the no-overlap guarantee. Holding is inserting,
 * freeing is deleting the claim's own cells and then the claim by its own `_id` (a token unique
 * to the claim), so a delete can never remove a later claim of the same time. No update ever
 * touches a key, so the guard works the same on MongoDB and FerretDB, with or without the lock.
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

  /**
   * The host time the booking occupies (its slot widened by its event type's buffers): known
   * from the insert for an event type, from the settle for a range; null until then.
   */
  @Prop({ type: Date, default: null })
  occupiedFrom!: Date | null;

  @Prop({ type: Date, default: null })
  occupiedUntil!: Date | null;

  /** The event type booked; null for a slot of a range (a range change looks only at those). */
  @Prop({ type: String, default: null })
  eventTypeId!: string | null;

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

/** One 5-minute cell of a claim's occupied time; `a` and `b` are the unique keys (occupied-cells.ts). */
@Schema({ collection: 'slot_cells', versionKey: false })
export class SlotCellDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  claimId!: string;

  @Prop({ required: true, unique: true })
  a!: string;

  @Prop({ required: true, unique: true })
  b!: string;
}
export const SlotCellSchema = SchemaFactory.createForClass(SlotCellDocument);
SlotCellSchema.index({ claimId: 1 });

/**
 * How often a host's held time changed (a claim settled or released): a reader's cached copy of
 * the host's held slots is good while this number is what it was when the copy was made.
 */
@Schema({ collection: 'held_stamps', versionKey: false })
export class HeldStampDocument {
  /** The host's id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true, default: 0 })
  changes!: number;
}
export const HeldStampSchema = SchemaFactory.createForClass(HeldStampDocument);
