import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { WEEKDAYS, type Weekday } from '@slotbook/contracts';
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

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, required: true })
  updatedAt!: Date;
}

export const EventTypeEntrySchema = SchemaFactory.createForClass(EventTypeEntryDocument);
