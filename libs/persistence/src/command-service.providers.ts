import type { Provider } from '@nestjs/common';
import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import Redis from 'ioredis';
import type { Connection, Model } from 'mongoose';
import { CommandBus, CommandRunner, EventPublisher, OutboxRelay } from '@slotbook/messaging';
import { READINESS_CHECKS, brokerReadiness, redisReadiness } from '@slotbook/runtime';
import { mongoReadiness } from './mongo-readiness';
import { MongoOutboxStore, type WithOutbox } from './outbox';
import { RecordChanges } from './record-changes';
import { RecordMutex } from './record-mutex';

/** The Redis client of a service (locks, revocations). */
export const REDIS = Symbol('REDIS');

export interface CommandServiceSettings {
  amqpUrl: string;
  redisUrl: string;
  /** The topic exchange the service publishes its domain events to. */
  exchange: string;
  /** The mongoose model whose records carry the service's outbox. */
  outboxModel: string;
  outboxIntervalMs: number;
  publishOnWrite?: boolean;
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
 * the event publisher, the record mutex, the outbox and its relay, and readiness checks for the
 * database, the broker and Redis.
 */
export function commandServiceProviders(settings: CommandServiceSettings): Provider[] {
  return [
    {
      provide: REDIS,
      useFactory: () =>
        new Redis(settings.redisUrl, {
          maxRetriesPerRequest: 1,
          connectTimeout: 2_000,
          enableOfflineQueue: settings.redisOfflineQueue,
        }),
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
    {
      provide: RecordMutex,
      inject: [getConnectionToken()],
      useFactory: (connection: Connection) => RecordMutex.forConnection(connection),
    },
    {
      provide: MongoOutboxStore,
      inject: [getModelToken(settings.outboxModel), RecordMutex],
      useFactory: (records: Model<WithOutbox>, mutex: RecordMutex) =>
        new MongoOutboxStore(records, mutex),
    },
    {
      provide: OutboxRelay,
      inject: [MongoOutboxStore, EventPublisher],
      useFactory: (store: MongoOutboxStore, publisher: EventPublisher) =>
        new OutboxRelay(store, publisher, {
          intervalMs: settings.outboxIntervalMs,
          publishOnWrite: settings.publishOnWrite ?? true,
          batchSize: 100,
          leaseMs: 10_000,
        }),
    },
    {
      provide: RecordChanges,
      inject: [RecordMutex, MongoOutboxStore, OutboxRelay],
      useFactory: (mutex: RecordMutex, store: MongoOutboxStore, relay: OutboxRelay) =>
        new RecordChanges(mutex, store, relay),
    },
    {
      provide: READINESS_CHECKS,
      inject: [getConnectionToken(), REDIS, EventPublisher],
      useFactory: (connection: Connection, redis: Redis, publisher: EventPublisher) => [
        mongoReadiness(connection),
        brokerReadiness(publisher),
        redisReadiness(redis),
      ],
    },
  ];
}
