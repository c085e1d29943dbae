import { Logger } from '@nestjs/common';
import { RmqContext, ServerRMQ, type RmqOptions } from '@nestjs/microservices';
import type { AmqpConnectionManager } from 'amqp-connection-manager';
import amqplib, { type Channel, type ConsumeMessage } from 'amqplib';
import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import { assertDeadLetterQueue } from './dead-letter';
import { withReconnectBackoff } from './reconnect-backoff';
import {
  COMMAND_SOCKET_OPTIONS,
  DELIVERIES_HEADER,
  DELIVERY_LIMIT,
  commandQueueName,
  workQueueOptions,
} from './topology';

/**
 * Nest's RMQ server sends each reply with `ChannelWrapper.sendToQueue` and drops the promise.
 * When the connection closes before the reply is written, that promise rejects with `channel
 * closed`, and Node exits on the unhandled rejection: a broker drop used to kill replicas.
 * A lost reply is harmless (the caller times out, or retries what is safe to repeat), so it
 * is logged and the process carries on.
 */
export class CommandServer extends ServerRMQ {
  private readonly commandLogger = new Logger(CommandServer.name);

  override sendMessage<T = unknown>(
    message: T,
    replyTo: string,
    correlationId: string,
    context: RmqContext,
  ): void {
    try {
      const outgoing = this.serializer.serialize(message as never) as Record<string, unknown>;
      const options = outgoing.options as Record<string, unknown> | undefined;
      delete outgoing.options;
      const buffer = Buffer.from(JSON.stringify(outgoing));
      this.onProcessingEndHook?.(this.transportId, context);
      const channel = this.channel;
      if (!channel) throw new Error('no channel');
      channel
        .sendToQueue(replyTo, buffer, { correlationId, ...options })
        .catch((error: unknown) => this.replyLost(error, correlationId));
    } catch (error) {
      this.replyLost(error, correlationId);
    }
  }

  /**
   * Counts the deliveries of a command, which a classic queue does not: a redelivered command
   * (its consumer died or lost its connection holding it) goes back to the queue once more
   * with its count, or to the dead-letter queue once it was delivered {@link DELIVERY_LIMIT}
   * times, so that a command that kills its consumer every time cannot do so forever.
   */
  override async handleMessage(
    delivered: Record<string, unknown>,
    channel: Channel,
  ): Promise<void> {
    const message = delivered as unknown as ConsumeMessage | null;
    if (!message?.fields.redelivered) return super.handleMessage(delivered, channel);
    const { properties } = message;
    const headers = properties.headers ?? {};
    const deliveries = Number(headers[DELIVERIES_HEADER] ?? 1) + 1;
    if (deliveries > DELIVERY_LIMIT) {
      this.commandLogger.error(
        { correlationId: properties.correlationId, deliveries: deliveries - 1 },
        'command delivered too many times; dead-lettering it',
      );
      channel.nack(message, false, false);
      return;
    }
    channel.sendToQueue(message.fields.routingKey, message.content, {
      ...properties,
      headers: { ...headers, [DELIVERIES_HEADER]: deliveries },
    });
    channel.ack(message);
  }

  /** Reconnects within a second of a drop, then backs off (see {@link withReconnectBackoff}). */
  override createClient<T = unknown>(): T {
    return withReconnectBackoff(super.createClient<AmqpConnectionManager>()) as T;
  }

  private replyLost(error: unknown, correlationId: string): void {
    this.commandLogger.warn(
      { err: error, correlationId },
      'reply not sent; the caller will not get it',
    );
  }
}

/**
 * Options for a service's command consumer (Nest RMQ transport): manual acks, bounded
 * prefetch, a classic queue with a dead-letter queue. Replicas compete on the same queue.
 */
export function commandServerRmqOptions(
  amqpUrl: string,
  queue: string,
  prefetchCount: number,
): Required<RmqOptions>['options'] {
  return {
    urls: [amqpUrl],
    queue: commandQueueName(queue),
    queueOptions: workQueueOptions(queue, 'commands'),
    noAck: false,
    prefetchCount,
    socketOptions: COMMAND_SOCKET_OPTIONS,
    consumerTag: `${queue}.${hostname()}.${process.pid}.${randomUUID().slice(0, 8)}`,
  };
}

/** The microservice options that make Nest consume a command queue with {@link CommandServer}. */
export function commandServerOptions(
  amqpUrl: string,
  queue: string,
  prefetchCount: number,
): { strategy: CommandServer } {
  return { strategy: new CommandServer(commandServerRmqOptions(amqpUrl, queue, prefetchCount)) };
}

/** Declares the dead-letter exchange and queue for a command queue before consuming it. */
export async function prepareCommandQueue(amqpUrl: string, queue: string): Promise<void> {
  const connection = await amqplib.connect(amqpUrl);
  try {
    const channel = await connection.createChannel();
    await assertDeadLetterQueue(channel, queue);
    await channel.assertQueue(commandQueueName(queue), workQueueOptions(queue, 'commands'));
    await channel.close();
  } finally {
    await connection.close();
  }
}
