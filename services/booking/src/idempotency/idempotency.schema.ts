import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { Reply } from '@slotbook/contracts';

/** The first answer to a request made with an `Idempotency-Key`, kept 24 h. */
@Schema({ collection: 'idempotency_keys', versionKey: false })
export class IdempotencyRecord {
  /** `userId|key`: keys are per user. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  requestHash!: string;

  @Prop({ type: String, required: true, enum: ['pending', 'done'] })
  state!: 'pending' | 'done';

  /**
   * A token of the attempt working on a pending key: taking over an abandoned key and writing
   * its answer are compare-and-sets on it, so a slow first attempt cannot overwrite the answer
   * of the one that took over, nor delete its key.
   */
  @Prop({ required: true })
  owner!: string;

  /** The booking the first run makes: a run taking over the key works on the same one. */
  @Prop({ type: String, default: null })
  bookingId!: string | null;

  @Prop({ type: Object, default: null })
  reply!: Reply<unknown> | null;

  @Prop({ required: true })
  createdAt!: Date;

  /** `YYYY-MM-DD` of `createdAt` (UTC): expired keys are purged a day at a time, by equality. */
  @Prop({ required: true })
  createdDay!: string;

  @Prop({ required: true })
  updatedAt!: Date;
}
export const IdempotencyRecordSchema = SchemaFactory.createForClass(IdempotencyRecord);
IdempotencyRecordSchema.index({ createdDay: 1 });
