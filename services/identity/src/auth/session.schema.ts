import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/** A login session: one family of refresh tokens, each replacing the last. */
@Schema({ collection: 'sessions', versionKey: false })
export class SessionDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true, index: true })
  userId!: string;

  @Prop({ required: true, default: false })
  revoked!: boolean;

  @Prop({ type: Date, default: null })
  revokedAt!: Date | null;

  @Prop({ required: true })
  createdAt!: Date;

  @Prop({ required: true })
  expiresAt!: Date;
}
export const SessionSchema = SchemaFactory.createForClass(SessionDocument);

/** A refresh token, stored only as its SHA-256 hash. */
@Schema({ collection: 'refresh_tokens', versionKey: false })
export class RefreshTokenDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true, index: true })
  sessionId!: string;

  @Prop({ required: true })
  userId!: string;

  @Prop({ required: true })
  createdAt!: Date;

  @Prop({ required: true })
  expiresAt!: Date;
}
export const RefreshTokenSchema = SchemaFactory.createForClass(RefreshTokenDocument);

/** A refresh token that was presented once; a second presentation is a replay. */
@Schema({ collection: 'refresh_token_uses', versionKey: false })
export class RefreshTokenUseDocument {
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true })
  usedAt!: Date;
}
export const RefreshTokenUseSchema = SchemaFactory.createForClass(RefreshTokenUseDocument);
