import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { StoredJson } from '@slotbook/persistence';

/**
 * One position of the feed: a recorded event, or a placeholder closing a position whose writer
 * never wrote it (see feed-sequence.ts). The unique index on `seq` is what makes a placeholder
 * and a late writer exclusive.
 */
@Schema({ collection: 'feed_events', versionKey: false, minimize: false })
export class FeedEventDocument {
  /** The event id (recorded once, whatever the redeliveries), or `hole:<seq>`. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true, unique: true })
  seq!: number;

  /** `floor(seq / 100)`: a stretch of the feed is one equality. */
  @Prop({ type: Number, required: true, index: true })
  seqBlock!: number;

  /** The account whose record the event is about (a HOST reads the feed by it). */
  @Prop({ type: String, index: true })
  ownerId?: string;

  @Prop({ type: String })
  type?: string;

  /**
   * The §6 envelope as it was published, as its JSON text (`StoredJson` of
   * @slotbook/persistence); absent on a placeholder.
   */
  @Prop({ type: Object })
  envelope?: StoredJson<Record<string, unknown>>;

  @Prop({ type: Date, required: true })
  recordedAt!: Date;

  /** Days since the epoch of `recordedAt`: what the feed is pruned by. */
  @Prop({ type: Number, required: true, index: true })
  recordedDay!: number;
}
export const FeedEventSchema = SchemaFactory.createForClass(FeedEventDocument);

/** The feed's counter: the last position taken, the settled end, the oldest kept. */
@Schema({ collection: 'feed_counters', versionKey: false })
export class FeedCounterDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true })
  reserved!: number;

  @Prop({ type: Number, required: true })
  settled!: number;

  /** No event below this position is kept any more (pruned). */
  @Prop({ type: Number, required: true })
  firstSeq!: number;
}
export const FeedCounterSchema = SchemaFactory.createForClass(FeedCounterDocument);
