import { MongooseModule, getConnectionToken } from '@nestjs/mongoose';
import { Test } from '@nestjs/testing';
import amqplib from 'amqplib';
import Redis from 'ioredis';
import type { Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import type { Counter } from 'prom-client';
import { infra, mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import {
  brokerPublishesTotal,
  countBrokerPublishes,
  countRedisCommands,
  countedMongoOptions,
  metricsRegistry,
  mongoCommandsTotal,
  redisCommandsTotal,
} from '../src';

/** The counters move when a real command or publish reaches the real database, Redis, broker. */
describe('cost counters', () => {
  it('count each MongoDB command of a service connection by command and collection', async () => {
    const module = await Test.createTestingModule({
      imports: [
        MongooseModule.forRoot(
          mongoUrlFor(uniqueDatabase('counters')),
          countedMongoOptions({ serverSelectionTimeoutMS: 5_000 }),
        ),
      ],
    }).compile();
    try {
      const things = module.get<Connection>(getConnectionToken()).collection('things');
      const inserts = await counted(mongoCommandsTotal, {
        command: 'insert',
        collection: 'things',
      });
      const finds = await counted(mongoCommandsTotal, { command: 'find', collection: 'things' });

      await things.insertOne({ _id: randomUUID() } as never);
      await things.findOne({});

      expect(await counted(mongoCommandsTotal, { command: 'insert', collection: 'things' })).toBe(
        inserts + 1,
      );
      expect(await counted(mongoCommandsTotal, { command: 'find', collection: 'things' })).toBe(
        finds + 1,
      );
    } finally {
      await module.close();
    }
  });

  it('count each Redis command, pipelined ones one by one', async () => {
    const redis = countRedisCommands(new Redis(infra.redisUrl));
    try {
      const key = `counters:${randomUUID()}`;
      const sets = await counted(redisCommandsTotal, { command: 'set' });
      const gets = await counted(redisCommandsTotal, { command: 'get' });

      await redis.set(key, '1', 'EX', 60);
      await redis.pipeline().get(key).get(key).exec();

      expect(await counted(redisCommandsTotal, { command: 'set' })).toBe(sets + 1);
      expect(await counted(redisCommandsTotal, { command: 'get' })).toBe(gets + 2);
    } finally {
      redis.disconnect();
    }
  });

  it('count each broker publish by kind and exchange, and a dead-lettering nack', async () => {
    countBrokerPublishes();
    const exchange = `test.counters.${randomUUID().slice(0, 8)}`;
    const connection = await amqplib.connect(infra.amqpUrl);
    try {
      const channel = await connection.createConfirmChannel();
      await channel.assertExchange(exchange, 'topic', { autoDelete: true });
      const { queue } = await channel.assertQueue('', { exclusive: true });
      const events = await counted(brokerPublishesTotal, { kind: 'event', exchange });
      const commands = await counted(brokerPublishesTotal, { kind: 'command', exchange: '' });
      const deadLetters = await counted(brokerPublishesTotal, {
        kind: 'dead-letter',
        exchange: 'slotbook.dead-letter',
      });

      channel.publish(exchange, 'thing.happened', Buffer.from('{}'));
      channel.sendToQueue(queue, Buffer.from('{}'));
      await channel.waitForConfirms();
      const message = await channel.get(queue);
      if (!message) throw new Error('the message sent to the queue did not arrive');
      channel.nack(message, false, false);

      expect(await counted(brokerPublishesTotal, { kind: 'event', exchange })).toBe(events + 1);
      expect(await counted(brokerPublishesTotal, { kind: 'command', exchange: '' })).toBe(
        commands + 1,
      );
      expect(
        await counted(brokerPublishesTotal, {
          kind: 'dead-letter',
          exchange: 'slotbook.dead-letter',
        }),
      ).toBe(deadLetters + 1);
      // The operator's scraper sees them too.
      expect(await metricsRegistry.metrics()).toContain(
        `slotbook_broker_publishes_total{kind="event",exchange="${exchange}"} 1`,
      );
    } finally {
      await connection.close();
    }
  });
});

/** The current value of a counter at exactly these labels (0 before its first count). */
async function counted<L extends string>(
  counter: Counter<L>,
  labels: Record<L, string>,
): Promise<number> {
  const { values } = await counter.get();
  const match = values.find((value) =>
    Object.entries(labels).every(([name, label]) => value.labels[name as L] === label),
  );
  return match?.value ?? 0;
}
