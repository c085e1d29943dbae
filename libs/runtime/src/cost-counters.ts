import type Redis from 'ioredis';
import type { Connection, ConnectOptions } from 'mongoose';
import { Counter } from 'prom-client';
import { metricsRegistry } from './registry';

/**
 * What a service costs the shared infrastructure (SPEC §11), counted where it is sent:
 * database commands, Redis commands and broker publishes. `bench:platform` divides them by
 * the bookings it made.
 */
export const mongoCommandsTotal = new Counter({
  name: 'slotbook_mongo_commands_total',
  help: 'MongoDB commands sent by this process, by command and collection',
  labelNames: ['command', 'collection'] as const,
  registers: [metricsRegistry],
});

export const redisCommandsTotal = new Counter({
  name: 'slotbook_redis_commands_total',
  help: 'Redis commands sent by this process, by command',
  labelNames: ['command'] as const,
  registers: [metricsRegistry],
});

export const brokerPublishesTotal = new Counter({
  name: 'slotbook_broker_publishes_total',
  help: 'basic.publish frames sent by this process, by kind (event, command, reply, dead-letter) and exchange',
  labelNames: ['kind', 'exchange'] as const,
  registers: [metricsRegistry],
});

/**
 * The options of a service's `MongooseModule.forRoot`, with every command the driver sends
 * counted (driver command monitoring, attached before the connection opens so index builds
 * count too).
 */
export function countedMongoOptions<T extends ConnectOptions>(
  options: T,
): T & { monitorCommands: true; onConnectionCreate: (connection: Connection) => void } {
  return {
    ...options,
    monitorCommands: true,
    onConnectionCreate: (connection: Connection) => countMongoCommands(connection),
  };
}

/** Counts the commands of a mongoose connection opened with `monitorCommands: true`. */
export function countMongoCommands(connection: Connection): void {
  connection.getClient().on('commandStarted', (event) => {
    // A getMore names its collection apart; the other commands under their own name.
    const target: unknown =
      event.commandName === 'getMore' ? event.command.collection : event.command[event.commandName];
    mongoCommandsTotal.inc({
      command: event.commandName,
      collection: typeof target === 'string' ? target : '',
    });
  });
}

/**
 * Counts every command the client sends (ioredis has no hook; pipelines and MULTI go through
 * `sendCommand` one command at a time). A command queued while offline passes through again
 * when the queue is flushed: it counts once.
 */
export function countRedisCommands<T extends Redis>(redis: T): T {
  const send = redis.sendCommand.bind(redis);
  const counted = new WeakSet<object>();
  redis.sendCommand = (command, stream) => {
    if (!counted.has(command)) {
      counted.add(command);
      redisCommandsTotal.inc({ command: command.name });
    }
    return send(command, stream);
  };
  return redis;
}

let countingPublishes = false;

interface AmqpChannelPrototype {
  publish(exchange: string, routingKey: string, ...rest: unknown[]): boolean;
  nack(message: unknown, allUpTo?: boolean, requeue?: boolean): void;
}

/**
 * Counts every basic.publish of this process, whoever sends it (the event publisher, Nest's RMQ
 * client and server, amqp-connection-manager): they all publish through amqplib's channel,
 * whose confirm channel and `sendToQueue` call `Channel.prototype.publish` too. A nack without
 * requeue makes the broker publish the message to the dead-letter exchange: it counts as one.
 */
export function countBrokerPublishes(): void {
  if (countingPublishes) return;
  countingPublishes = true;
  // amqplib's internal module has no typings: loaded untyped, typed by the interface above.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const model = require('amqplib/lib/channel_model') as {
    Channel: { prototype: AmqpChannelPrototype };
  };
  const channel = model.Channel.prototype;
  const { publish, nack } = channel;
  channel.publish = function (this: AmqpChannelPrototype, exchange, routingKey, ...rest) {
    brokerPublishesTotal.inc({ kind: publishKind(exchange, routingKey), exchange });
    return publish.call(this, exchange, routingKey, ...rest);
  };
  channel.nack = function (this: AmqpChannelPrototype, message, allUpTo, requeue) {
    if (requeue === false)
      brokerPublishesTotal.inc({ kind: 'dead-letter', exchange: 'slotbook.dead-letter' });
    return nack.call(this, message, allUpTo, requeue);
  };
}

/** Events go to named exchanges; commands and replies to queues through the default one. */
function publishKind(exchange: string, routingKey: string): string {
  if (exchange !== '') return 'event';
  return routingKey.startsWith('amq.rabbitmq.reply-to') ? 'reply' : 'command';
}
