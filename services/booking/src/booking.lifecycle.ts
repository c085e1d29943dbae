import {
  Inject,
  Injectable,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type Redis from 'ioredis';
import { CommandBus, CommandRunner, EventPublisher, OutboxRelay } from '@slotbook/messaging';
import { REDIS } from '@slotbook/service-kit';
import { BOOKING_CONFIG, type BookingConfig } from './config';
import { BookingDocument } from './bookings/booking.schema';
import { HeldTimeMigration } from './bookings/held-time.migration';
import { HeldTimeDocument } from './bookings/held-time.schema';

/** Start-up and graceful shutdown of booking's moving parts, in order. */
@Injectable()
export class BookingLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  constructor(
    @Inject(BOOKING_CONFIG) private readonly config: BookingConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectModel(BookingDocument.name) private readonly bookingModel: Model<BookingDocument>,
    @InjectModel(HeldTimeDocument.name) private readonly heldModel: Model<HeldTimeDocument>,
    private readonly runner: CommandRunner,
    private readonly relay: OutboxRelay,
    private readonly publisher: EventPublisher,
    private readonly bus: CommandBus,
    private readonly migration: HeldTimeMigration,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all([this.bookingModel, this.heldModel].map((model) => model.init()));
    await this.migration.run();
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
