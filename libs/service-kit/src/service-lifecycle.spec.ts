import type { ModuleRef } from '@nestjs/core';
import type { Connection } from 'mongoose';
import {
  CommandBus,
  CommandRunner,
  EventPublisher,
  EventSubscriber,
  OutboxRelay,
} from '@slotbook/messaging';
import type { CommandServiceSettings } from './command-service.providers';
import { ServiceLifecycle, step, timer } from './service-lifecycle';
import { REDIS } from './tokens';

class Migration {}
class Dispatcher {}
class Retention {}

function lifecycleWith(
  settings: Omit<CommandServiceSettings, 'amqpUrl' | 'commandMaxAttempts'>,
  log: string[],
): ServiceLifecycle {
  const parts = new Map<unknown, unknown>([
    [Migration, {}],
    [Dispatcher, {}],
    [Retention, {}],
    [
      OutboxRelay,
      { start: () => log.push('relay.start'), stop: async () => log.push('relay.stop') },
    ],
    [CommandBus, { close: async () => log.push('bus.close') }],
    [EventPublisher, { close: async () => log.push('publisher.close') }],
    [REDIS, { disconnect: () => log.push('redis.disconnect') }],
  ]);
  const connection = {
    models: {
      A: { init: async () => log.push('model.init') },
      B: { init: async () => log.push('model.init') },
    },
  } as unknown as Connection;
  const subscriber = {
    waitForConnect: async () => log.push('subscriber.connect'),
    close: async (timeoutMs: number) => log.push(`subscriber.close(${timeoutMs})`),
  } as unknown as EventSubscriber;
  const runner = {
    drain: async (timeoutMs: number) => log.push(`runner.drain(${timeoutMs})`),
  } as unknown as CommandRunner;
  const moduleRef = { get: (token: unknown) => parts.get(token) } as unknown as ModuleRef;
  return new ServiceLifecycle(
    { amqpUrl: 'amqp://x', commandMaxAttempts: 3, ...settings },
    connection,
    [subscriber],
    runner,
    moduleRef,
  );
}

async function runThrough(lifecycle: ServiceLifecycle): Promise<void> {
  await lifecycle.onApplicationBootstrap();
  await lifecycle.beforeApplicationShutdown();
  await lifecycle.onApplicationShutdown();
}

describe('ServiceLifecycle', () => {
  afterEach(() => jest.useRealTimers());

  it('starts a publishing service after its models and steps, and drains commands before it closes', async () => {
    const log: string[] = [];
    await runThrough(
      lifecycleWith(
        {
          shutdownTimeoutMs: 500,
          rpcTimeoutMs: 1_000,
          redis: { url: 'redis://x', offlineQueue: false },
          events: {
            exchange: 'booking',
            outbox: { model: 'Booking' },
            outboxIntervalMs: 1_000,
            publishOnWrite: true,
          },
          steps: [step(Migration, { start: () => log.push('migration.run') })],
        },
        log,
      ),
    );
    expect(log).toEqual([
      'model.init',
      'model.init',
      'migration.run',
      'relay.start',
      'subscriber.connect',
      'runner.drain(500)',
      'subscriber.close(500)',
      'relay.stop',
      'bus.close',
      'publisher.close',
      'redis.disconnect',
    ]);
  });

  it('stops steps in reverse order and clears timers of a service that publishes nothing', async () => {
    jest.useFakeTimers();
    const log: string[] = [];
    const lifecycle = lifecycleWith(
      {
        shutdownTimeoutMs: 500,
        steps: [
          step(Dispatcher, {
            start: () => log.push('dispatcher.start'),
            stop: (_, timeoutMs) => log.push(`dispatcher.stop(${timeoutMs})`),
          }),
          step(Migration, { stop: () => log.push('feed.stop') }),
        ],
        timers: [timer(Retention, { everyMs: 1_000, run: async () => void log.push('prune') })],
      },
      log,
    );
    await lifecycle.onApplicationBootstrap();
    await jest.advanceTimersByTimeAsync(2_000);
    await lifecycle.beforeApplicationShutdown();
    await jest.advanceTimersByTimeAsync(2_000);
    await lifecycle.onApplicationShutdown();
    expect(log).toEqual([
      'model.init',
      'model.init',
      'dispatcher.start',
      'prune',
      'subscriber.connect',
      'prune',
      'prune',
      'runner.drain(500)',
      'subscriber.close(500)',
      'feed.stop',
      'dispatcher.stop(500)',
    ]);
  });
});
