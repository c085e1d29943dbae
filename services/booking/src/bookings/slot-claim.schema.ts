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

  @Prop({ required: true })
  startTime!: Date;

  /** Known once availability has confirmed the slot; until then the claim is being verified. */
  @Prop({ type: Date, default: null })
  endTime!: Date | null;

  @Prop({ required: true })
  bookingId!: string;

  @Prop({ required: true })
  createdAt!: Date;

  /**
   * When the sweeper should look at this claim: shortly after creation (did its booking get
   * written?) and right away once its booking starts letting go of it (cancel, reschedule).
   */
  @Prop({ required: true, index: true })
  checkAfter!: Date;
}
export const SlotClaimSchema = SchemaFactory.createForClass(SlotClaimDocument);
SlotClaimSchema.index({ hostId: 1, startTime: 1 });
