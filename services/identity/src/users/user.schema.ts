import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';
import { randomUUID } from 'node:crypto';
import type { PendingEvent, Role } from '@slotbook/contracts';
import { PendingEventSchema } from '@slotbook/persistence';

@Schema({ collection: 'users', versionKey: false })
export class UserDocument {
  @Prop({ type: String, default: () => randomUUID() })
  _id!: string;

  @Prop({ required: true })
  email!: string;

  /** Uniqueness is case-insensitive: the index is on the lower-cased address. */
  @Prop({ required: true, unique: true })
  emailLower!: string;

  @Prop({ required: true })
  name!: string;

  @Prop({ type: String, required: true, enum: ['ADMIN', 'HOST', 'USER'] })
  role!: Role;

  @Prop({ required: true, default: true })
  active!: boolean;

  @Prop({ required: true, default: 'UTC' })
  timezone!: string;

  @Prop({ required: true })
  passwordHash!: string;

  @Prop({ required: true })
  createdAt!: Date;

  @Prop({ required: true })
  updatedAt!: Date;

  @Prop({ type: [PendingEventSchema], default: [] })
  outbox!: PendingEvent[];
}

export const UserSchema = SchemaFactory.createForClass(UserDocument);
UserSchema.index({ createdAt: 1, _id: 1 });
