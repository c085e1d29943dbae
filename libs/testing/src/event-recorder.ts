import amqplib, { type Channel, type ChannelModel } from 'amqplib';
import { infra } from './infra';

export interface RecordedEvent {
  envelope: any;
  properties: { messageId?: string; type?: string; contentType?: string; deliveryMode?: number };
  routingKey: string;
}

/** A test subscriber: an exclusive queue bound to topic exchanges, recording what arrives. */
export class EventRecorder {
  readonly events: RecordedEvent[] = [];
  private connection?: ChannelModel;
  private channel?: Channel;

  async start(bindings: Array<{ exchange: string; pattern?: string }>): Promise<this> {
    this.connection = await amqplib.connect(infra.amqpUrl);
    this.channel = await this.connection.createChannel();
    const { queue } = await this.channel.assertQueue('', { exclusive: true, autoDelete: true });
    for (const binding of bindings) {
      await this.channel.assertExchange(binding.exchange, 'topic', { durable: true });
      await this.channel.bindQueue(queue, binding.exchange, binding.pattern ?? '#');
    }
    await this.channel.consume(
      queue,
      (message) => {
        if (!message) return;
        this.events.push({
          envelope: JSON.parse(message.content.toString()),
          properties: message.properties,
          routingKey: message.fields.routingKey,
        });
      },
      { noAck: true },
    );
    return this;
  }

  matching(predicate: (event: RecordedEvent) => boolean): RecordedEvent[] {
    return this.events.filter(predicate);
  }

  /** Waits until `predicate` holds for the recorded events, or fails after `timeoutMs`. */
  async waitFor(
    predicate: (events: RecordedEvent[]) => boolean,
    timeoutMs = 10_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.events)) {
      if (Date.now() > deadline)
        throw new Error(
          `events did not arrive in time; got ${JSON.stringify(this.events.map((e) => e.routingKey))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  async stop(): Promise<void> {
    await this.channel?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }
}
