import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
  type Type,
} from '@nestjs/common';
import { ModuleRef } from '@nestjs/core';
import { getConnectionToken } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import type { Connection } from 'mongoose';
import {
  CommandBus,
  CommandRunner,
  EventPublisher,
  OutboxRelay,
  type EventDelivery,
  type EventSubscriber,
} from '@slotbook/messaging';
import type { SubscribedEvent, SubscriptionDefinition } from '@slotbook/contracts';
import type { CommandServiceSettings } from './command-service.providers';
import { REDIS, SERVICE_SETTINGS, SUBSCRIBERS } from './tokens';

/** A subscription defined in the contracts, handled by a provider of the service. */
export interface SubscriberDeclaration {
  subscription: SubscriptionDefinition;
  prefetch: number;
  use: Type<unknown>;
  handle(consumer: unknown, event: never, delivery: EventDelivery): Promise<void>;
  subscribed?(consumer: unknown): void;
}

/** A part of the service with something to do at start (after the models) or at shutdown. */
export interface ServiceStep {
  use: Type<unknown>;
  start?(part: unknown): unknown;
  stop?(part: unknown, timeoutMs: number): unknown;
}

/** Work a provider does at start and then every `everyMs`, until shutdown. */
export interface ServiceTimer {
  use: Type<unknown>;
  everyMs: number;
  run(part: unknown): Promise<void>;
}

/**
 * A provider's subscription: `handle` is given each event as the subscription's definition
 * types it (one of its events, parsed; or the envelope as published).
 */
export function subscriber<T, S extends SubscriptionDefinition>(
  use: Type<T>,
  declaration: {
    subscription: S;
    prefetch: number;
    handle(consumer: T, event: SubscribedEvent<S>, delivery: EventDelivery): Promise<void>;
    subscribed?(consumer: T): void;
  },
): SubscriberDeclaration {
  const { subscribed } = declaration;
  return {
    ...declaration,
    use,
    handle: (consumer, event, delivery) =>
      declaration.handle(consumer as T, event as SubscribedEvent<S>, delivery),
    subscribed: subscribed && ((consumer) => subscribed(consumer as T)),
  };
}

export function step<T>(
  use: Type<T>,
  hooks: {
    start?(part: T): unknown;
    stop?(part: T, timeoutMs: number): unknown;
  },
): ServiceStep {
  return {
    use,
    start: hooks.start && ((part) => hooks.start?.(part as T)),
    stop: hooks.stop && ((part, timeoutMs) => hooks.stop?.(part as T, timeoutMs)),
  };
}

export function timer<T>(
  use: Type<T>,
  schedule: { everyMs: number; run(part: T): Promise<void> },
): ServiceTimer {
  return { use, everyMs: schedule.everyMs, run: (part) => schedule.run(part as T) };
}

/**
 * Start-up and graceful shutdown of a service's moving parts, in one order for every service.
 *
 * Start: every model's indexes (unique indexes are guarantees, they exist before any write),
 * the service's steps in order, its timers, the outbox relay, then the subscribers connected.
 * Shutdown, before the connections close: in-flight commands drained, subscribers drained and
 * closed, timers cleared, steps stopped in reverse order, the relay stopped; then the command
 * bus, the publisher and Redis closed.
 */
@Injectable()
export class ServiceLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(ServiceLifecycle.name);
  private readonly intervals: NodeJS.Timeout[] = [];

  constructor(
    @Inject(SERVICE_SETTINGS) private readonly settings: CommandServiceSettings,
    @Inject(getConnectionToken()) private readonly connection: Connection,
    @Inject(SUBSCRIBERS) private readonly subscribers: EventSubscriber[],
    private readonly runner: CommandRunner,
    private readonly moduleRef: ModuleRef,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(Object.values(this.connection.models).map((model) => model.init()));
    for (const serviceStep of this.settings.steps ?? [])
      await serviceStep.start?.(this.part(serviceStep.use));
    for (const serviceTimer of this.settings.timers ?? []) {
      const run = (): void => {
        serviceTimer.run(this.part(serviceTimer.use)).catch((error: unknown) => {
          this.logger.warn({ err: error }, `${serviceTimer.use.name} failed`);
        });
      };
      this.intervals.push(setInterval(run, serviceTimer.everyMs));
      run();
    }
    this.relay()?.start();
    for (const eventSubscriber of this.subscribers) await eventSubscriber.waitForConnect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    const timeoutMs = this.settings.shutdownTimeoutMs;
    await this.runner.drain(timeoutMs);
    for (const eventSubscriber of this.subscribers) await eventSubscriber.close(timeoutMs);
    for (const interval of this.intervals) clearInterval(interval);
    for (const serviceStep of [...(this.settings.steps ?? [])].reverse())
      await serviceStep.stop?.(this.part(serviceStep.use), timeoutMs);
    await this.relay()?.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.settings.rpcTimeoutMs !== undefined) await this.part(CommandBus).close();
    if (this.settings.events) await this.part(EventPublisher).close();
    if (this.settings.redis) this.part<Redis>(REDIS).disconnect();
  }

  private relay(): OutboxRelay | undefined {
    return this.settings.events ? this.part(OutboxRelay) : undefined;
  }

  private part<T>(token: Type<T> | symbol): T {
    return this.moduleRef.get<T>(token, { strict: false });
  }
}
