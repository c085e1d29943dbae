import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { SigningSecret } from './secret-rules';

/** A webhook subscription. Changed by compare-and-set on `version`. */
@Schema({ collection: 'subscriptions', versionKey: false })
export class SubscriptionDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  /** The account that created it: who may see and change it (besides ADMINs). */
  @Prop({ type: String, required: true, index: true })
  ownerId!: string;

  /** Which events it receives: `*` (an ADMIN's) or the id of the HOST whose records they are. */
  @Prop({ type: String, required: true, index: true })
  audience!: string;

  @Prop({ type: String, required: true })
  url!: string;

  @Prop({ type: [String], required: true })
  events!: string[];

  @Prop({ type: String, default: null })
  description!: string | null;

  @Prop({ type: Boolean, required: true })
  active!: boolean;

  @Prop({ type: [{ value: String, expiresAt: Date, _id: false }], required: true })
  secrets!: SigningSecret[];

  @Prop({ type: Number, required: true })
  version!: number;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;
}
export const SubscriptionSchema = SchemaFactory.createForClass(SubscriptionDocument);
SubscriptionSchema.index({ ownerId: 1, createdAt: 1, _id: 1 });
