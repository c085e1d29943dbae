import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import {
  BOOKING_FIELD_TYPES,
  WEEKDAYS,
  type BookingField,
  type BookingFieldType,
  type Weekday,
} from '@slotbook/contracts';
import type { EventTypeEntry, ScheduleEntry } from './schedule-rules';

@Schema({ _id: false, versionKey: false })
export class LocalIntervalDocument {
  @Prop({ type: String, required: true })
  start!: string;

  @Prop({ type: String, required: true })
  end!: string;
}

export const LocalIntervalSchema = SchemaFactory.createForClass(LocalIntervalDocument);

@Schema({ _id: false, versionKey: false })
export class WeeklyIntervalDocument extends LocalIntervalDocument {
  @Prop({ type: String, required: true, enum: WEEKDAYS })
  day!: Weekday;
}

export const WeeklyIntervalSchema = SchemaFactory.createForClass(WeeklyIntervalDocument);

@Schema({ _id: false, versionKey: false })
export class DateOverrideDocument {
  @Prop({ type: String, required: true })
  date!: string;

  @Prop({ type: [LocalIntervalSchema], default: [] })
  intervals!: LocalIntervalDocument[];
}

export const DateOverrideSchema = SchemaFactory.createForClass(DateOverrideDocument);

/** A schedule as the host's document stores it: the local hours as stated (intent). */
@Schema({ _id: false, versionKey: false })
export class ScheduleEntryDocument implements ScheduleEntry {
  @Prop({ type: String, required: true })
  id!: string;

  @Prop({ type: String, required: true })
  name!: string;

  @Prop({ type: String, required: true })
  timeZone!: string;

  @Prop({ type: [WeeklyIntervalSchema], default: [] })
  weekly!: WeeklyIntervalDocument[];

  @Prop({ type: [DateOverrideSchema], default: [] })
  overrides!: DateOverrideDocument[];

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;
}

export const ScheduleEntrySchema = SchemaFactory.createForClass(ScheduleEntryDocument);

/** A question of an event type (SPEC §4b). */
@Schema({ _id: false, versionKey: false })
export class BookingFieldDocument implements BookingField {
  @Prop({ type: String, required: true })
  slug!: string;

  @Prop({ type: String, required: true })
  label!: string;

  @Prop({ type: String, required: true, enum: BOOKING_FIELD_TYPES })
  type!: BookingFieldType;

  @Prop({ type: Boolean, required: true })
  required!: boolean;

  /** Only select and multiselect have options; the others store none (not []). */
  @Prop({ type: [String], default: undefined })
  options?: string[];
}

export const BookingFieldSchema = SchemaFactory.createForClass(BookingFieldDocument);

/** An event type as the host's document stores it, beside the schedule it names. */
@Schema({ _id: false, versionKey: false })
export class EventTypeEntryDocument implements EventTypeEntry {
  @Prop({ type: String, required: true })
  id!: string;

  @Prop({ type: String, required: true })
  scheduleId!: string;

  @Prop({ type: String, required: true })
  title!: string;

  @Prop({ type: Number, required: true })
  duration!: number;

  @Prop({ type: Number, required: true })
  slotInterval!: number;

  @Prop({ type: Number, required: true })
  bufferBefore!: number;

  @Prop({ type: Number, required: true })
  bufferAfter!: number;

  @Prop({ type: Number, required: true })
  minimumNotice!: number;

  @Prop({ type: Number, required: true })
  bookingHorizonDays!: number;

  @Prop({ type: Boolean, required: true })
  requiresConfirmation!: boolean;

  @Prop({ type: Boolean, default: false })
  public!: boolean;

  @Prop({ type: String, default: '' })
  description!: string;

  @Prop({ type: [BookingFieldSchema], default: [] })
  bookingFields!: BookingFieldDocument[];

  @Prop({ type: Number, default: 0 })
  minimumCancelNotice!: number;

  @Prop({ type: Number, default: 1 })
  seatsPerSlot!: number;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;
}

export const EventTypeEntrySchema = SchemaFactory.createForClass(EventTypeEntryDocument);
