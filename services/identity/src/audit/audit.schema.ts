import { Prop, Schema, SchemaFactory } from '@nestjs/mongoose';

/**
 * One line of the audit trail: who did what to which record, when, from which request. The
 * single-field indexes serve the trail's filters, each an equality (see AuditRepository.list).
 */
@Schema({ collection: 'audit', versionKey: false })
export class AuditDocument {
  /** The event id when the entry comes from an event, which makes redelivery harmless. */
  @Prop({ type: String, required: true })
  _id!: string;

  @Prop({ required: true, index: true })
  action!: string;

  @Prop({ type: String, default: null, index: true })
  actorId!: string | null;

  @Prop({ required: true })
  entityType!: string;

  @Prop({ type: String, default: null, index: true })
  entityId!: string | null;

  @Prop({ type: String, default: null })
  requestId!: string | null;

  @Prop({ required: true })
  occurredAt!: Date;

  @Prop({ type: Object })
  details?: Record<string, unknown>;
}
export const AuditSchema = SchemaFactory.createForClass(AuditDocument);
AuditSchema.index({ occurredAt: 1, _id: 1 });
