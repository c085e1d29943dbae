import { randomUUID } from 'node:crypto';
import { Logger } from '@nestjs/common';
import amqp, { type AmqpConnectionManager, type ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { RequestContext } from '@slotbook/runtime';
import { assertDeadLetterQueue } from './dead-letter';
import { EVENT_EXCHANGE_OPTIONS, workQueueOptions } from './topology';

export interface EventBinding {
  exchange: string;
  /** Topic pattern, e.g. `#` or `booking.*`. */
  pattern: string;
}

/** What the broker says of a message beside its event. */
export interface EventDelivery {
  /** The broker gave it out before (a consumer died or gave it back): it may have been handled. */
  redelivered: boolean;
}

export interface EventSubscriberOptions {
  amqpUrl: string;
  queue: string;
  bindings: EventBinding[];
  prefetch: number;
  /**
   * `shared` (the default): a durable queue of this name, each event handled by one replica.
   * `replica`: a queue of this replica's own, named after `queue`, that lives as long as its
   * connection: every replica hears every event, but only while it is connected.
   */
  scope?: 'shared' | 'replica';
  /**
   * Runs each time the subscription is (re)established, before its first event: a copy kept
   * from a replica's events forgets what it may have missed while disconnected.
   */
  onSubscribed?: () => void;
}

/** An event as a handler takes it: at least an envelope's id and correlation id. */
export interface SubscribedEnvelope {
  id: string;
  correlationId: string;
}

/**
 * Reads a message's JSON as the handler takes it; undefined for an event the handler does not
 * take (acknowledged, nothing done); throws for one that does not parse (dead-lettered).
 */
export type EventParser<E extends SubscribedEnvelope> = (json: unknown) => E | undefined;

/** Thrown by a handler for an event that no redelivery can help: it is dead-lettered at once. */
export class UnusableEvent extends Error {}

/**
 * A durable subscription to domain events. Handlers must be idempotent (delivery is at least
 * once). A handler failure is redelivered a bounded number of times, then dead-lettered; an
 * envelope that does not parse, or that its handler calls {@link UnusableEvent}, goes to the
 * dead-letter queue at once. Each message is read by `parse`.
 */
export class EventSubscriber<E extends SubscribedEnvelope = SubscribedEnvelope> {
  private readonly logger = new Logger(EventSubscriber.name);
  private readonly connection: AmqpConnectionManager;
  private readonly channel: ChannelWrapper;
  private inFlight = 0;

  constructor(
    private readonly options: EventSubscriberOptions,
    private readonly handle: (event: E, delivery: EventDelivery) => Promise<void>,
    private readonly parse: EventParser<E>,
  ) {
    this.connection = amqp.connect([options.amqpUrl], {
      heartbeatIntervalInSeconds: 10,
      reconnectTimeInSeconds: 1,
    });
    this.channel = this.connection.createChannel({
      setup: async (channel: ConfirmChannel) => {
        const queue = await this.assertQueue(channel);
        for (const binding of options.bindings) {
          await channel.assertExchange(binding.exchange, 'topic', EVENT_EXCHANGE_OPTIONS);
          await channel.bindQueue(queue, binding.exchange, binding.pattern);
        }
        await channel.prefetch(options.prefetch);
        options.onSubscribed?.();
        await channel.consume(queue, (message) => {
          if (message) void this.onMessage(channel, message);
        });
      },
    });
    this.channel.on('error', (err: unknown) =>
      this.logger.warn({ err, queue: options.queue }, 'event subscriber channel failed'),
    );
  }

  private async assertQueue(channel: ConfirmChannel): Promise<string> {
    const { queue } = this.options;
    if (this.options.scope === 'replica') {
      const own = `${queue}.${randomUUID()}`;
      await channel.assertQueue(own, { exclusive: true, autoDelete: true, durable: false });
      return own;
    }
    await assertDeadLetterQueue(channel, queue);
    await channel.assertQueue(queue, workQueueOptions(queue, 'events'));
    return queue;
  }

  async waitForConnect(): Promise<void> {
    await this.channel.waitForConnect();
  }

  isConnected(): boolean {
    return this.connection.isConnected();
  }

  async close(timeoutMs = 5_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.inFlight > 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await this.channel.close().catch(() => undefined);
    await this.connection.close().catch(() => undefined);
  }

  private async onMessage(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    this.inFlight += 1;
    try {
      let envelope: E | undefined;
      try {
        envelope = this.parse(JSON.parse(message.content.toString()));
      } catch (error) {
        // The parse error names the fields that failed, never their values.
        this.logger.error(
          { queue: this.options.queue, err: error },
          'unparseable event; dead-lettering it',
        );
        channel.nack(message, false, false);
        return;
      }
      if (!envelope) {
        channel.ack(message);
        return;
      }
      try {
        const delivery = { redelivered: message.fields.redelivered };
        await RequestContext.run(envelope.correlationId, () => this.handle(envelope, delivery));
        channel.ack(message);
      } catch (error) {
        if (error instanceof UnusableEvent) {
          this.logger.error(
            { err: error, eventId: envelope.id, queue: this.options.queue },
            'unusable event; dead-lettering it',
          );
          channel.nack(message, false, false);
          return;
        }
        this.logger.warn(
          { err: error, eventId: envelope.id },
          'event handler failed; redelivering',
        );
        // Requeued deliveries are counted by the quorum queue and dead-lettered past the limit;
        // a replica's own queue has no limit, and drops the event.
        channel.nack(message, false, this.options.scope !== 'replica');
      }
    } catch (error) {
      this.logger.warn({ err: error }, 'could not settle an event on a closed channel');
    } finally {
      this.inFlight -= 1;
    }
  }
}
