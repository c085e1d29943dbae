import amqp, { type AmqpConnectionManager } from 'amqp-connection-manager';

/** Keeps one connection to the broker open to tell readiness; reconnects by itself. */
export class BrokerProbe {
  private readonly connection: AmqpConnectionManager;

  constructor(amqpUrl: string) {
    this.connection = amqp.connect([amqpUrl], {
      heartbeatIntervalInSeconds: 10,
      reconnectTimeInSeconds: 1,
    });
    this.connection.on('connectFailed', () => undefined);
  }

  isConnected(): boolean {
    return this.connection.isConnected();
  }

  async close(): Promise<void> {
    await this.connection.close().catch(() => undefined);
  }
}
