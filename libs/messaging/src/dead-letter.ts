import type { Channel } from 'amqplib';
import { DEAD_LETTER_EXCHANGE, deadLetterQueueOf } from './topology';

/** Declares the dead-letter exchange and the dead-letter queue of `queue` (idempotent). */
export async function assertDeadLetterQueue(channel: Channel, queue: string): Promise<void> {
  const dlq = deadLetterQueueOf(queue);
  await channel.assertExchange(DEAD_LETTER_EXCHANGE, 'direct', { durable: true });
  await channel.assertQueue(dlq, { durable: true });
  await channel.bindQueue(dlq, DEAD_LETTER_EXCHANGE, dlq);
}
