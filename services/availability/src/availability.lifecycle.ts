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
import {
  CommandBus,
  CommandRunner,
  EventPublisher,
  EventSubscriber,
  OutboxRelay,
} from '@slotbook/messaging';
import { REDIS } from '@slotbook/service-kit';
import { AVAILABILITY_CONFIG, type AvailabilityConfig } from './config';
import { HostAvailabilityDocument, RecordHostDocument } from './ranges/host-availability.schema';

/** Start-up and graceful shutdown of availability's moving parts, in order. */
@Injectable()
export class AvailabilityLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(AVAILABILITY_CONFIG) private readonly config: AvailabilityConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectModel(HostAvailabilityDocument.name)
    private readonly hosts: Model<HostAvailabilityDocument>,
    @InjectModel(RecordHostDocument.name)
    private readonly recordHosts: Model<RecordHostDocument>,
    private readonly runner: CommandRunner,
    private readonly relay: OutboxRelay,
    private readonly publisher: EventPublisher,
    private readonly bus: CommandBus,
    private readonly accountEvents: EventSubscriber,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The collections and the relay's index exist before the first write.
    await Promise.all([this.hosts.init(), this.recordHosts.init()]);
    this.relay.start();
    await this.accountEvents.waitForConnect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.drain(this.config.SHUTDOWN_TIMEOUT_MS);
    await this.accountEvents.close(this.config.SHUTDOWN_TIMEOUT_MS);
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    await this.publisher.close();
    this.redis.disconnect();
  }
}
