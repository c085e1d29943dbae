import type { Options } from 'amqplib';

/** Where commands that cannot be processed end up, one dead-letter queue per command queue. */
export const DEAD_LETTER_EXCHANGE = 'slotbook.dead-letter';

export function deadLetterQueueOf(queue: string): string {
  return `${queue}.dlq`;
}

/**
 * Deliveries after which a message that keeps killing its consumer is dead-lettered. Quorum
 * queues count them themselves; on a command queue {@link DELIVERIES_HEADER} counts them.
 */
export const DELIVERY_LIMIT = 5;

/** How many times a command was delivered before: classic queues do not count redeliveries. */
export const DELIVERIES_HEADER = 'x-deliveries';

/**
 * What a queue of work is, and so how it is stored: `commands` are asked for by a caller that
 * waits a few seconds for the answer and that answers 503 on a broker outage, so they need no
 * Raft write of a quorum queue nor persistence (they are idempotent or refused when repeated);
 * `events` are the record of what happened and stay in quorum queues.
 */
export type WorkQueueKind = 'commands' | 'events';

/**
 * The queue a command queue's messages travel on. A queue's type cannot change in place, so the
 * classic queues have names of their own beside the quorum ones of earlier versions (which old
 * replicas drain while they still run).
 */
export function commandQueueName(queue: string): string {
  return `${queue}.classic`;
}

/** Queue arguments for a command or subscriber queue; every declarer must use the same. */
export function workQueueOptions(queue: string, kind: WorkQueueKind): Options.AssertQueue {
  const deadLetter = {
    'x-dead-letter-exchange': DEAD_LETTER_EXCHANGE,
    'x-dead-letter-routing-key': deadLetterQueueOf(queue),
  };
  if (kind === 'commands') return { durable: true, arguments: deadLetter };
  return {
    durable: true,
    arguments: { 'x-queue-type': 'quorum', 'x-delivery-limit': DELIVERY_LIMIT, ...deadLetter },
  };
}

export const EVENT_EXCHANGE_OPTIONS: Options.AssertExchange = { durable: true };

/**
 * Socket options of every command connection: Nagle's algorithm off. amqplib leaves it on, and
 * a command's frames then wait for the peer's delayed ACK (tens of milliseconds a round trip).
 */
export const COMMAND_SOCKET_OPTIONS = { connectionOptions: { noDelay: true } };
