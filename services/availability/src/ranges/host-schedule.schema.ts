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
 * A host's schedule is a chain of immutable versions, one document each: all of the host's
 * ranges as of that version, and the events of the change that made it. A writer reads the
 * latest version N, decides, and inserts version N + 1 under the `_id` `<host>:<N + 1>`; the
 * unique `_id` lets exactly one writer make each version. That insert is the one operation
 * FerretDB makes atomic, so the no-overlap rule holds without any lock or lease: a writer
 * that stalled for any length of time finds its version taken and decides again. That holds
 * only because a version's `_id` is never freed: old versions are pruned by turning them into
 * tombstones, never deleted, or a writer that read a stale version could fill a freed slot.
 */
@Schema({ collection: 'host_schedule_versions', versionKey: false })
export class ScheduleVersionDocument {
  /** `<hostId>:<version>`, see {@link versionId}. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  hostId!: string;

  @Prop({ type: Number, required: true })
  version!: number;

  @Prop({ type: [RangeEntrySchema], default: [] })
  ranges!: RangeEntry[];

  /** The events of the change that made this version, published by the relay in order. */
  @Prop({ type: [PendingEventSchema], default: [] })
  events!: PendingEvent[];

  @Prop({ type: Date, required: true })
  writtenAt!: Date;

  /** A tombstone: an old version whose ranges and events were dropped once relayed. */
  @Prop({ type: Boolean, default: false })
  pruned!: boolean;
}

export const ScheduleVersionSchema = SchemaFactory.createForClass(ScheduleVersionDocument);

export function versionId(hostId: string, version: number): string {
  return `${hostId}:${version}`;
}

/**
 * Hints, one document per host, never trusted for correctness: the latest version a writer
 * knew of (readers start there and look for newer ones).
 */
@Schema({ collection: 'host_schedule_heads', versionKey: false })
export class ScheduleHeadDocument {
  /** The host's user id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true })
  version!: number;
}

export const ScheduleHeadSchema = SchemaFactory.createForClass(ScheduleHeadDocument);

/** Written by the relay alone: every version up to `relayed` has had its events published. */
@Schema({ collection: 'host_schedule_relay', versionKey: false })
export class ScheduleRelayDocument {
  /** The host's user id. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: Number, required: true })
  relayed!: number;
}

export const ScheduleRelaySchema = SchemaFactory.createForClass(ScheduleRelayDocument);

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
