import { Logger, type Provider, type Type } from '@nestjs/common';
import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import Redis from 'ioredis';
import type { Connection, Model } from 'mongoose';
import {
  CommandBus,
  CommandRunner,
  EventPublisher,
  OutboxRelay,
  type OutboxStore,
} from '@slotbook/messaging';
import {
  READINESS_CHECKS,
  brokerReadiness,
  countRedisCommands,
  redisReadiness,
} from '@slotbook/runtime';
import {
  MongoOutboxStore,
  RecordChanges,
  mongoReadiness,
  type WithOutbox,
} from '@slotbook/persistence';

const logger = new Logger('Redis');

/** The Redis client of a service (locks, revocations). */
export const REDIS = Symbol('REDIS');

export interface CommandServiceSettings {
  amqpUrl: string;
  redisUrl: string;
  /** The topic exchange the service publishes its domain events to. */
  exchange: string;
  /**
   * Where the service's events wait for the relay: inside the records of a mongoose model (the
   * in-record outbox, changed by compare-and-set), or in a store of the service's own.
   */
  outbox: { model: string } | { store: Type<OutboxStore> };
  /** How often the recovery scan looks for events nobody relayed. */
  outboxIntervalMs: number;
  /** How long events wait before the recovery scan takes them (default 10 s). */
  outboxGraceMs?: number;
  /** Publish right after each write, or leave it to the recovery scan (crash tests). */
  publishOnWrite: boolean;
  commandMaxAttempts: number;
  /** How long the service waits when it asks another service. */
  rpcTimeoutMs: number;
  /**
   * Queue Redis commands while disconnected (identity, whose revocations must get through)
   * or fail them at once (locks, which fall back to the database's guarantee).
   */
  redisOfflineQueue: boolean;
}

/**
 * What every command-handling service wires the same way: Redis, the command runner and bus,
 * the event publisher, the outbox and its relay, and readiness checks for the
 * database, the broker and Redis.
 */
export function commandServiceProviders(settings: CommandServiceSettings): Provider[] {
  return [
    {
      provide: REDIS,
      useFactory: () => {
        const redis = new Redis(settings.redisUrl, {
          maxRetriesPerRequest: 1,
          connectTimeout: 2_000,
          enableOfflineQueue: settings.redisOfflineQueue,
        });
        // Without a listener ioredis reports every failed reconnect as an unhandled error.
        redis.on('error', (err: unknown) => logger.warn({ err }, 'redis unavailable'));
        return countRedisCommands(redis);
      },
    },
    {
      provide: CommandRunner,
      useFactory: () =>
        new CommandRunner({ maxAttempts: settings.commandMaxAttempts, retryDelayMs: 50 }),
    },
    {
      provide: CommandBus,
      useFactory: () =>
        new CommandBus({ amqpUrl: settings.amqpUrl, timeoutMs: settings.rpcTimeoutMs }),
    },
    {
      provide: EventPublisher,
      useFactory: () => new EventPublisher(settings.amqpUrl, [settings.exchange]),
    },
    ...outboxProviders(settings),
    {
      provide: READINESS_CHECKS,
      inject: [getConnectionToken(), REDIS, EventPublisher],
      useFactory: (connection: Connection, redis: Redis, publisher: EventPublisher) => [
        mongoReadiness(connection),
        brokerReadiness(publisher),
        redisReadiness(redis, { required: settings.redisOfflineQueue }),
      ],
    },
  ];
}

/** The outbox store, its relay and, for the in-record outbox, how records are changed. */
function outboxProviders(settings: CommandServiceSettings): Provider[] {
  const relay: Provider = {
    provide: OutboxRelay,
    inject: ['store' in settings.outbox ? settings.outbox.store : MongoOutboxStore, EventPublisher],
    useFactory: (store: OutboxStore, publisher: EventPublisher) =>
      new OutboxRelay(store, publisher, {
        intervalMs: settings.outboxIntervalMs,
        graceMs: settings.outboxGraceMs,
        publishOnWrite: settings.publishOnWrite,
        batchSize: 100,
      }),
  };
  if ('store' in settings.outbox) return [settings.outbox.store, relay];
  return [
    {
      provide: MongoOutboxStore,
      inject: [getModelToken(settings.outbox.model)],
      useFactory: (records: Model<WithOutbox>) => new MongoOutboxStore(records),
    },
    relay,
    {
      provide: RecordChanges,
      inject: [OutboxRelay],
      useFactory: (outboxRelay: OutboxRelay) => new RecordChanges(outboxRelay),
    },
  ];
}
