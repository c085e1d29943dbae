import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { Schema as MongooseSchema } from 'mongoose';
import type { StoredJson } from '@slotbook/persistence';
import type { MailKind, MailRecipientRole, MailStatus } from '@slotbook/contracts';
import type { Letter } from './mail-plan';

/**
 * One mail to one recipient, and how its sends went. Its `_id` is the event and recipient
 * (see mail-plan.ts), so the insert is the guard against a second send. While it is pending,
 * `dueAt` is when it is next sent (or, while a replica sends it, when that replica's lease
 * ends) and `dueBucket` its minute, the equality due mail is looked up by.
 */
@Schema({ collection: 'mails', versionKey: false })
export class MailDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ type: String, required: true })
  eventId!: string;

  @Prop({ type: String, required: true, index: true })
  bookingId!: string;

  /** The booking's calendar sequence at its event: a reminder outranked by a later event is dropped. */
  @Prop({ type: Number, required: true })
  sequence!: number;

  @Prop({ type: String, required: true })
  kind!: MailKind;

  @Prop({ type: String, required: true })
  role!: MailRecipientRole;

  @Prop({ type: String, required: true })
  to!: string;

  @Prop({ type: String, required: true })
  messageId!: string;

  /**
   * What the mail says, as its JSON text (`StoredJson` of @slotbook/persistence: read it with
   * `fromStoredJson`). The guest's manage link is not in it (made at each send).
   */
  @Prop({ type: MongooseSchema.Types.Mixed, required: true })
  letter!: StoredJson<Letter>;

  @Prop({ type: String, required: true, index: true })
  status!: MailStatus;

  @Prop({ type: Number, required: true })
  attempts!: number;

  @Prop({ type: String, default: null })
  lastError!: string | null;

  @Prop({ type: Date, default: null })
  dueAt!: Date | null;

  @Prop({ type: Number, index: true })
  dueBucket?: number;

  /** Refused sends are retried until then (24 h after it was first due). */
  @Prop({ type: Date, required: true })
  retryUntil!: Date;

  @Prop({ type: Date, required: true })
  createdAt!: Date;

  @Prop({ type: Date, default: null })
  sentAt!: Date | null;
}
export const MailSchema = SchemaFactory.createForClass(MailDocument);

// The mail log, newest first (GET /admin/mail).
MailSchema.index({ createdAt: -1, _id: -1 });
