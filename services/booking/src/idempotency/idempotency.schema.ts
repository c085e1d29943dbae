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

  @Prop({ type: Object, default: null })
  reply!: Reply<unknown> | null;

  @Prop({ required: true, index: true })
  createdAt!: Date;

  @Prop({ required: true })
  updatedAt!: Date;
}
export const IdempotencyRecordSchema = SchemaFactory.createForClass(IdempotencyRecord);
