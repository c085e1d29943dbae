import { Logger } from '@nestjs/common';
import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel } from 'amqplib';
import type { PendingEvent } from '@slotbook/contracts';
import { eventsPublishedTotal } from '@slotbook/runtime';
import { EVENT_EXCHANGE_OPTIONS } from './topology';

const PUBLISH_TIMEOUT_MS = 5_000;

/** The wire form of an event (SPEC §6). */
export function toEnvelope(event: PendingEvent) {
  return {
    id: event.id,
    type: event.type,
    version: 1 as const,
    occurredAt: new Date(event.occurredAt).toISOString(),
    correlationId: event.correlationId,
    actorId: event.actorId,
    data: event.data,
  };
}

/**
 * Publishes domain events to durable topic exchanges on a confirm channel: `publish` resolves
 * only once the broker has taken responsibility for the message.
 */
export class EventPublisher {
  private readonly logger = new Logger(EventPublisher.name);
  private readonly connection: AmqpConnectionManager;
  private readonly channel: ChannelWrapper;

  constructor(amqpUrl: string, exchanges: string[]) {
    this.connection = amqp.connect([amqpUrl], {
      heartbeatIntervalInSeconds: 10,
      reconnectTimeInSeconds: 1,
    });
    this.connection.on('disconnect', ({ err }) =>
      this.logger.warn({ err }, 'event publisher disconnected'),
    );
    this.channel = this.connection.createChannel({
      confirm: true,
      setup: async (channel: ConfirmChannel) => {
        for (const exchange of exchanges) {
          await channel.assertExchange(exchange, 'topic', EVENT_EXCHANGE_OPTIONS);
        }
      },
    });
    this.channel.on('error', (err: unknown) =>
      this.logger.warn({ err }, 'event publisher channel failed'),
    );
  }

  async publish(event: PendingEvent): Promise<void> {
    await this.channel.publish(
      event.exchange,
      event.type,
      Buffer.from(JSON.stringify(toEnvelope(event))),
      {
        persistent: true,
        messageId: event.id,
        type: event.type,
        contentType: 'application/json',
        timestamp: Math.floor(new Date(event.occurredAt).getTime() / 1000),
        headers: { 'x-request-id': event.correlationId },
        timeout: PUBLISH_TIMEOUT_MS,
      },
    );
    eventsPublishedTotal.inc({ type: event.type });
  }

  isConnected(): boolean {
    return this.connection.isConnected();
  }

  async close(): Promise<void> {
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }
}
