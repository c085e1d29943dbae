import { z } from 'zod';

/**
 * The envelope of every domain event on a topic exchange (SPEC §6). `data` is the full
 * current record; `actorId` says who caused the change, for the audit trail.
 */
export function eventEnvelope<TType extends string, TData extends z.ZodType>(
  type: TType,
  data: TData,
) {
  return z.object({
    id: z.string().min(1),
    type: z.literal(type),
    version: z.literal(1),
    occurredAt: z.iso.datetime(),
    correlationId: z.string(),
    actorId: z.string().nullable(),
    data,
  });
}

export const AnyEventEnvelope = z.object({
  id: z.string().min(1),
  type: z.string().min(1),
  version: z.literal(1),
  occurredAt: z.iso.datetime(),
  correlationId: z.string(),
  actorId: z.string().nullable().optional(),
  data: z.record(z.string(), z.unknown()),
});
export type AnyEventEnvelope = z.infer<typeof AnyEventEnvelope>;

/** An event waiting in a record's outbox, written in the same update as the change. */
export interface PendingEvent {
  id: string;
  exchange: string;
  type: string;
  occurredAt: Date;
  correlationId: string;
  actorId: string | null;
  data: Record<string, unknown>;
}
