import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Role } from '@slotbook/contracts';
import { OutboxRecord, indexOutbox } from '@slotbook/persistence';
import type { HostAccount } from '../host-accounts/host-account-rules';
import { EventTypeEntrySchema, ScheduleEntrySchema } from '../schedules/schedule-entry.schema';
import type { EventTypeEntry, ScheduleEntry } from '../schedules/schedule-rules';
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

@Schema({ _id: false, versionKey: false })
export class HostAccountDocument implements HostAccount {
  @Prop({ type: String, required: true, enum: Role.options })
  role!: Role;

  @Prop({ type: Boolean, required: true })
  active!: boolean;

  @Prop({ type: Number, required: true })
  version!: number;

  @Prop({ type: String })
  name?: string;
}

export const HostAccountSchema = SchemaFactory.createForClass(HostAccountDocument);

/**
 * All of a host's ranges in one document, so that the no-overlap rule is decided on one
 * record and written with one compare-and-set on its version: a writer that read an older
 * version changes nothing and decides again. The events of each change wait in the same
 * document's outbox. Beside the ranges, what identity last said of the account (whether it can
 * be booked), so that a booking's check and a `/slots` read stay one `_id` lookup; and the
 * host's schedules and event types, so that "a schedule is deleted only while no event type
 * uses it" and "an event type's schedule is its host's" are decided on the same one record.
 */
@Schema({ collection: 'host_availability', versionKey: false })
export class HostAvailabilityDocument extends OutboxRecord {
  /** The host's user id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: [RangeEntrySchema], default: [] })
  ranges!: RangeEntry[];

  /** Null until an event about the account after its registration (see isBookable). */
  @Prop({ type: HostAccountSchema, default: null })
  account!: HostAccount | null;

  /** In creation order; absent from documents written before schedules existed. */
  @Prop({ type: [ScheduleEntrySchema], default: [] })
  schedules!: ScheduleEntry[];

  @Prop({ type: [EventTypeEntrySchema], default: [] })
  eventTypes!: EventTypeEntry[];
}

export const HostAvailabilitySchema = SchemaFactory.createForClass(HostAvailabilityDocument);
indexOutbox(HostAvailabilitySchema);

/**
 * Which host a range, schedule or event type belongs to: requests name them by id alone. The
 * collection keeps the name it had when it held only ranges, so stored ids stay found.
 */
@Schema({ collection: 'range_hosts', versionKey: false })
export class RecordHostDocument {
  /** The id of the range, schedule or event type. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  hostId!: string;
}

export const RecordHostSchema = SchemaFactory.createForClass(RecordHostDocument);
