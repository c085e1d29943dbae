import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A host's calendar feed (SPEC §6b): one per host, under the host's id. */
@Schema({ collection: 'calendar_feeds', versionKey: false })
export class CalendarFeedDocument {
  /** The host's id. */
  @Prop({ type: String, required: true })
  _id!: string;

  /** SHA-256 (hex) of the feed's token; the token itself is never stored. */
  @Prop({ type: String, required: true })
  tokenHash!: string;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;
}
export const CalendarFeedSchema = SchemaFactory.createForClass(CalendarFeedDocument);
// A feed is read by its token's hash: one equality on a unique index.
CalendarFeedSchema.index({ tokenHash: 1 }, { unique: true });
