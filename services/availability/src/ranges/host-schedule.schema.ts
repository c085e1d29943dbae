import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import type { PendingEvent } from '@slotbook/contracts';
import { PendingEventSchema } from '@slotbook/persistence';
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
 * One document per host: all of a host's ranges, so that the no-overlap rule is decided on one
 * record, written in one single-document update together with its outbox events. `version`
 * grows with every write (a compare-and-set on MongoDB; FerretDB needs the record mutex too).
 */
@Schema({ collection: 'host_schedules', versionKey: false })
export class HostScheduleDocument {
  /** The host's user id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true })
  version!: number;

  @Prop({ type: [RangeEntrySchema], default: [] })
  ranges!: RangeEntry[];

  @Prop({ type: [PendingEventSchema], default: [] })
  outbox!: PendingEvent[];
}

export const HostScheduleSchema = SchemaFactory.createForClass(HostScheduleDocument);
/** PATCH and DELETE name a range by its id alone. */
HostScheduleSchema.index({ 'ranges.id': 1 });
