import type { z } from 'zod';
import { eventEnvelope } from './event-envelope';

/**
 * One domain event: the topic exchange its context publishes it to, its `type` (also its
 * routing key), what it says happened (`summary`, published in the AsyncAPI document), the
 * record it carries (`data`) and the whole envelope subscribers validate (`envelope`).
 */
export interface EventDefinition<T extends string = string, D extends z.ZodType = z.ZodType> {
  readonly exchange: string;
  readonly type: T;
  readonly summary: string;
  readonly data: D;
  readonly envelope: EventEnvelopeOf<T, D>;
}

export type EventEnvelopeOf<T extends string, D extends z.ZodType> = ReturnType<
  typeof eventEnvelope<T, D>
>;

export function defineEvent<T extends string, D extends z.ZodType>(definition: {
  exchange: string;
  type: T;
  summary: string;
  data: D;
}): EventDefinition<T, D> {
  return Object.freeze({
    ...definition,
    envelope: eventEnvelope(definition.type, definition.data),
  });
}
