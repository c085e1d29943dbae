import type { Options } from 'amqplib';

/** Where commands that cannot be processed end up, one dead-letter queue per command queue. */
export const DEAD_LETTER_EXCHANGE = 'slotbook.dead-letter';

export function deadLetterQueueOf(queue: string): string {
  return `${queue}.dlq`;
}

/**
 * Redeliveries after a crash are bounded by the broker: a quorum queue counts deliveries and
 * dead-letters a message that keeps killing its consumer, so a poison message never blocks.
 */
export const DELIVERY_LIMIT = 5;

/** Queue arguments for a command or subscriber queue; every declarer must use the same. */
export function workQueueOptions(queue: string): Options.AssertQueue {
  return {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': DELIVERY_LIMIT,
      'x-dead-letter-exchange': DEAD_LETTER_EXCHANGE,
      'x-dead-letter-routing-key': deadLetterQueueOf(queue),
    },
  };
}

export const EVENT_EXCHANGE_OPTIONS: Options.AssertExchange = { durable: true };

/**
 * Socket options of every command connection: Nagle's algorithm off. amqplib leaves it on, and
 * a command's frames then wait for the peer's delayed ACK (tens of milliseconds a round trip).
 */
export const COMMAND_SOCKET_OPTIONS = { connectionOptions: { noDelay: true } };
