import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import { Role } from '@slotbook/contracts';
import { OutboxRecord, indexOutbox } from '@slotbook/persistence';

@Schema({ collection: 'users', versionKey: false })
export class UserDocument extends OutboxRecord {
  @Prop({ type: String, default: () => randomUUID() })
  _id!: string;

  @Prop({ required: true })
  email!: string;

  /**
   * Uniqueness is case-insensitive: the unique index is on the lower-cased address, and it
   * serves the login's lookup by email (an equality on this field).
   */
  @Prop({ required: true, unique: true })
  emailLower!: string;

  @Prop({ required: true })
  name!: string;

  @Prop({ type: String, required: true, enum: Role.options })
  role!: Role;

  @Prop({ required: true, default: true })
  active!: boolean;

  @Prop({ required: true, default: 'UTC' })
  timezone!: string;

  @Prop({ required: true })
  passwordHash!: string;
}

export const UserSchema = SchemaFactory.createForClass(UserDocument);
UserSchema.index({ createdAt: 1, _id: 1 });
indexOutbox(UserSchema);
