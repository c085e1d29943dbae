import { Logger, type Provider, type Type } from '@nestjs/common';
import { getConnectionToken, getModelToken } from '@nestjs/mongoose';
import Redis from 'ioredis';
import type { Connection, Model } from 'mongoose';
import {
  CommandBus,
  CommandRunner,
  EventPublisher,
  EventSubscriber,
  OutboxRelay,
  type OutboxStore,
  type SubscribedEnvelope,
} from '@slotbook/messaging';
import {
  MongoOutboxStore,
  RecordChanges,
  mongoReadiness,
  type WithOutbox,
} from '@slotbook/persistence';
import type { z } from 'zod';
import {
  bindingsOf,
  subscribedEventParser,
  type SubscriptionDefinition,
} from '@slotbook/contracts';
import {
  CommandServiceEnv,
  READINESS_CHECKS,
  brokerReadiness,
  countRedisCommands,
  redisReadiness,
  type ReadinessCheck,
} from '@slotbook/runtime';
import { REDIS, SERVICE_SETTINGS, SUBSCRIBERS } from './tokens';
import {
  ServiceLifecycle,
  type ServiceStep,
  type ServiceTimer,
  type SubscriberDeclaration,
} from './service-lifecycle';

const logger = new Logger('Redis');

/** For a service that publishes domain events: where they wait, and how the relay takes them. */
export interface EventSettings {
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
}

export interface CommandServiceSettings {
  amqpUrl: string;
  commandMaxAttempts: number;
  /** How long shutdown waits for in-flight commands and events, per stage. */
  shutdownTimeoutMs: number;
  /** How long the service waits when it asks another service; without it, it asks none. */
  rpcTimeoutMs?: number;
  redis?: {
    url: string;
    /**
     * Queue commands while disconnected (identity, whose revocations must get through) or fail
     * them at once (locks, which fall back to the database's guarantee).
     */
    offlineQueue: boolean;
  };
  /** Without it, the service publishes nothing (no publisher, outbox or relay). */
  events?: EventSettings;
  /** Subscriptions to other services' events, connected before the service is up. */
  subscribers?: SubscriberDeclaration[];
  /** Started in order after the models are initialised, stopped in reverse order. */
  steps?: ServiceStep[];
  /** Run once at start and then at their interval, until shutdown. */
  timers?: ServiceTimer[];
}

/** What a service's environment (`CommandServiceEnv`) says about its commands and its bus. */
export function commandSettingsOf(config: z.infer<typeof CommandServiceEnv>) {
  return {
    amqpUrl: config.AMQP_URL,
    commandMaxAttempts: config.COMMAND_MAX_ATTEMPTS,
    shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
    rpcTimeoutMs: config.RPC_TIMEOUT_MS,
  };
}

/** What a service's environment says about its outbox's relay (see {@link EventSettings}). */
export function outboxSettingsOf(config: z.infer<typeof CommandServiceEnv>) {
  return {
    outboxIntervalMs: config.OUTBOX_INTERVAL_MS,
    outboxGraceMs: config.OUTBOX_GRACE_MS,
    publishOnWrite: config.OUTBOX_PUBLISH_ON_WRITE,
  };
}

/**
 * What every command-handling service wires the same way: the command runner; optionally
 * Redis, the command bus, the event publisher, the outbox and its relay, and event
 * subscribers; readiness checks for the database, the broker and Redis; and the
 * {@link ServiceLifecycle} that starts and stops them in order.
 */
export function commandServiceProviders(settings: CommandServiceSettings): Provider[] {
  const { amqpUrl, rpcTimeoutMs } = settings;
  const subscribers = settings.subscribers ?? [];
  return [
    { provide: SERVICE_SETTINGS, useValue: settings },
    {
      provide: CommandRunner,
      useFactory: () =>
        new CommandRunner({ maxAttempts: settings.commandMaxAttempts, retryDelayMs: 50 }),
    },
    ...(settings.redis ? [redisProvider(settings.redis)] : []),
    ...(rpcTimeoutMs === undefined
      ? []
      : [
          {
            provide: CommandBus,
            useFactory: () => new CommandBus({ amqpUrl, timeoutMs: rpcTimeoutMs }),
          },
        ]),
    ...(settings.events ? eventProviders(amqpUrl, settings.events) : []),
    {
      provide: SUBSCRIBERS,
      inject: subscribers.map((subscriber) => subscriber.use),
      useFactory: (...consumers: unknown[]) =>
        subscribers.map(
          (subscriber, index) =>
            new EventSubscriber<SubscribedEnvelope>(
              {
                amqpUrl,
                queue: subscriber.subscription.queue,
                scope: subscriber.subscription.scope,
                bindings: bindingsOf(subscriber.subscription),
                prefetch: subscriber.prefetch,
                onSubscribed: () => subscriber.subscribed?.(consumers[index]),
              },
              (event, delivery) => subscriber.handle(consumers[index], event as never, delivery),
              subscribedEventParser<SubscriptionDefinition>(subscriber.subscription),
            ),
        ),
    },
    readinessProvider(settings),
    ServiceLifecycle,
  ];
}

function redisProvider(redis: NonNullable<CommandServiceSettings['redis']>): Provider {
  return {
    provide: REDIS,
    useFactory: () => {
      const client = new Redis(redis.url, {
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
        enableOfflineQueue: redis.offlineQueue,
      });
      // Without a listener ioredis reports every failed reconnect as an unhandled error.
      client.on('error', (err: unknown) => logger.warn({ err }, 'redis unavailable'));
      return countRedisCommands(client);
    },
  };
}

/**
 * The database always; the broker through the publisher, or through the first subscriber of a
 * service that publishes nothing; Redis where the service has it.
 */
function readinessProvider(settings: CommandServiceSettings): Provider {
  const { events, redis } = settings;
  return {
    provide: READINESS_CHECKS,
    inject: [
      getConnectionToken(),
      events ? EventPublisher : SUBSCRIBERS,
      ...(redis ? [REDIS] : []),
    ],
    useFactory: (
      connection: Connection,
      publisherOrSubscribers: EventPublisher | EventSubscriber[],
      redisClient?: Redis,
    ): ReadinessCheck[] => {
      const broker = Array.isArray(publisherOrSubscribers)
        ? publisherOrSubscribers[0]
        : publisherOrSubscribers;
      if (!broker)
        throw new Error('a service needs events or a subscriber to tell the broker is reachable');
      return [
        mongoReadiness(connection),
        brokerReadiness(broker),
        ...(redis && redisClient
          ? [redisReadiness(redisClient, { required: redis.offlineQueue })]
          : []),
      ];
    },
  };
}

/** The publisher, the outbox store, its relay and, for the in-record outbox, how records are changed. */
function eventProviders(amqpUrl: string, events: EventSettings): Provider[] {
  const publisher: Provider = {
    provide: EventPublisher,
    useFactory: () => new EventPublisher(amqpUrl, [events.exchange]),
  };
  const relay: Provider = {
    provide: OutboxRelay,
    inject: ['store' in events.outbox ? events.outbox.store : MongoOutboxStore, EventPublisher],
    useFactory: (store: OutboxStore, eventPublisher: EventPublisher) =>
      new OutboxRelay(store, eventPublisher, {
        intervalMs: events.outboxIntervalMs,
        graceMs: events.outboxGraceMs,
        publishOnWrite: events.publishOnWrite,
        batchSize: 100,
      }),
  };
  if ('store' in events.outbox) return [publisher, events.outbox.store, relay];
  return [
    publisher,
    {
      provide: MongoOutboxStore,
      inject: [getModelToken(events.outbox.model)],
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
