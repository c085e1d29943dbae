import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { DeliveryStatus } from '@slotbook/contracts';

/**
 * One event to one subscription, and how its attempts went. Claimed and settled by
 * compare-and-set on `version`; `dueBucket` exists only while it is pending (see
 * delivery-rules.ts), so the poller's lookups match pending deliveries alone.
 */
@Schema({ collection: 'deliveries', versionKey: false })
export class DeliveryDocument {
  /** `<subscriptionId>:<eventId>` for an event, so fanning an event out twice is harmless. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  subscriptionId!: string;

  @Prop({ type: String, required: true })
  eventId!: string;

  @Prop({ type: String, required: true })
  type!: string;

  /** The exact bytes every attempt sends and signs. */
  @Prop({ type: String, required: true })
  body!: string;

  /** Indexed for the one lookup of every pending delivery, when a poller starts. */
  @Prop({ type: String, required: true, enum: ['pending', 'succeeded', 'failed'], index: true })
  status!: DeliveryStatus;

  @Prop({ type: Number, required: true })
  attempts!: number;

  @Prop({ type: Number, required: true })
  version!: number;

  /** When the next attempt is due, or (while one runs) when its lease runs out. */
  @Prop({ type: Date, default: null })
  nextAttemptAt!: Date | null;

  @Prop({ type: Number, index: true })
  dueBucket?: number;

  /** Attempts stop after this instant (24 h after the delivery, or after a redelivery). */
  @Prop({ type: Date, required: true })
  retryUntil!: Date;

  @Prop({ type: Number, default: null })
  lastResponseStatus!: number | null;

  @Prop({ type: String, default: null })
  lastError!: string | null;

  @Prop({ type: String, default: null })
  lastResponseBody!: string | null;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  /** Days since the epoch of `createdAt`: what old deliveries are pruned by. */
  @Prop({ type: Number, required: true, index: true })
  createdDay!: number;

  @Prop({ type: Date, default: null })
  deliveredAt!: Date | null;
}
export const DeliverySchema = SchemaFactory.createForClass(DeliveryDocument);
// The delivery log: an equality on the subscription, newest first.
DeliverySchema.index({ subscriptionId: 1, createdAt: -1, _id: -1 });
