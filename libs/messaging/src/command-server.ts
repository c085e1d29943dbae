import { Transport, type RmqOptions } from '@nestjs/microservices';
import amqplib from 'amqplib';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { assertDeadLetterQueue } from './dead-letter';
import { COMMAND_SOCKET_OPTIONS, workQueueOptions } from './topology';

/**
 * Options for a service's command consumer (Nest RMQ transport): manual acks, bounded
 * prefetch, a quorum queue with a dead-letter queue. Replicas compete on the same queue.
 */
export function commandServerOptions(
  amqpUrl: string,
  queue: string,
  prefetchCount: number,
): RmqOptions {
  return {
    transport: Transport.RMQ,
    options: {
      urls: [amqpUrl],
      queue,
      queueOptions: workQueueOptions(queue),
      noAck: false,
      prefetchCount,
      socketOptions: COMMAND_SOCKET_OPTIONS,
      consumerTag: `${queue}.${hostname()}.${process.pid}.${randomUUID().slice(0, 8)}`,
    },
  };
}

/** Declares the dead-letter exchange and queue for a command queue before consuming it. */
export async function prepareCommandQueue(amqpUrl: string, queue: string): Promise<void> {
  const connection = await amqplib.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    await assertDeadLetterQueue(channel, queue);
    await channel.assertQueue(queue, workQueueOptions(queue));
    await channel.close();
  } finally {
    await connection.close();
  }
}
