import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { OutboxRecord, indexOutbox } from '@slotbook/persistence';
import type { RangeEntry } from './range-rules';

@Schema({ _id: false, versionKey: false })
export class RangeEntryDocument implements RangeEntry {
  @Prop({ type: String, required: true })
  id!: string;

  @Prop({ type: Date, required: true })
  startTime!: Date;

  @Prop({ type: Date, required: true })
  endTime!: Date;

  @Prop({ type: Number, required: true })
  slotDuration!: number;

  @Prop({ type: Boolean, required: true })
  requiresConfirmation!: boolean;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;

  @Prop({ type: Date, default: null })
  changingUntil!: Date | null;

  @Prop({ type: String, default: null })
  changeId!: string | null;
}

export const RangeEntrySchema = SchemaFactory.createForClass(RangeEntryDocument);

/**
 * All of a host's ranges in one document, so that the no-overlap rule is decided on one
 * record and written with one compare-and-set on its version: a writer that read an older
 * version changes nothing and decides again. The events of each change wait in the same
 * document's outbox.
 */
@Schema({ collection: 'host_availability', versionKey: false })
export class HostAvailabilityDocument extends OutboxRecord {
  /** The host's user id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: [RangeEntrySchema], default: [] })
  ranges!: RangeEntry[];
}

export const HostAvailabilitySchema = SchemaFactory.createForClass(HostAvailabilityDocument);
indexOutbox(HostAvailabilitySchema);

/** Which host a range belongs to: PATCH and DELETE name a range by its id alone. */
@Schema({ collection: 'range_hosts', versionKey: false })
export class RangeHostDocument {
  /** The range's id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  hostId!: string;
}

export const RangeHostSchema = SchemaFactory.createForClass(RangeHostDocument);
