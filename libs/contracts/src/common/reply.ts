import { z } from 'zod';
import { BusError } from './errors';

/** What every command answers: a result or a typed error, never a thrown exception. */
export type Reply<T> = { ok: true; data: T } | { ok: false; error: BusError };

export const ReplyEnvelope = z.discriminatedUnion('ok', [
  z.object({ ok: z.literal(true), data: z.unknown() }),
  z.object({ ok: z.literal(false), error: BusError }),
]);

/** Metadata carried in AMQP headers with every command. */
export const Headers = {
  RequestId: 'x-request-id',
  /** Epoch milliseconds after which the caller no longer waits for the answer. */
  Deadline: 'x-deadline',
  /** How many times the caller has sent this command: 2 and more when it sends it again. */
  Attempt: 'x-attempt',
} as const;
