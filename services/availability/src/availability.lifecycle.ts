import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import type { Model } from 'mongoose';
import { CommandBus, CommandRunner, EventPublisher, OutboxRelay } from '@slotbook/messaging';
import { REDIS, RecordMutex } from '@slotbook/persistence';
import { AVAILABILITY_CONFIG, type AvailabilityConfig } from './config';
import { ScheduleVersionDocument } from './ranges/host-schedule.schema';

/** Start-up and graceful shutdown of availability's moving parts, in order. */
@Injectable()
export class AvailabilityLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(AVAILABILITY_CONFIG) private readonly config: AvailabilityConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectModel(ScheduleVersionDocument.name)
    private readonly versions: Model<ScheduleVersionDocument>,
    private readonly runner: CommandRunner,
    private readonly mutex: RecordMutex,
    private readonly relay: OutboxRelay,
    private readonly publisher: EventPublisher,
    private readonly bus: CommandBus,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The collections exist, and the relay mutex's unique index, before the first write.
    await this.versions.init();
    await this.mutex.init();
    this.relay.start();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.drain(this.config.SHUTDOWN_TIMEOUT_MS);
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    await this.publisher.close();
    this.redis.disconnect();
  }
}
