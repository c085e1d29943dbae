import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type Redis from 'ioredis';
import { CommandBus, CommandRunner, EventPublisher, OutboxRelay } from '@slotbook/messaging';
import { REDIS } from '@slotbook/persistence';
import { BOOKING_CONFIG, type BookingConfig } from './config';
import { BookingDocument } from './bookings/booking.schema';
import { HeldTimeMigration } from './bookings/held-time.migration';
import { HeldTimeDocument } from './bookings/held-time.schema';
import { IdempotencyRecord } from './idempotency/idempotency.schema';
import { IdempotencyService } from './idempotency/idempotency.service';

const IDEMPOTENCY_PURGE_INTERVAL_MS = 60 * 60_000;

/** Start-up and graceful shutdown of booking's moving parts, in order. */
@Injectable()
export class BookingLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(BookingLifecycle.name);
  private purgeTimer?: NodeJS.Timeout;
  private purging?: Promise<unknown>;

  constructor(
    @Inject(BOOKING_CONFIG) private readonly config: BookingConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectModel(BookingDocument.name) private readonly bookingModel: Model<BookingDocument>,
    @InjectModel(HeldTimeDocument.name) private readonly heldModel: Model<HeldTimeDocument>,
    @InjectModel(IdempotencyRecord.name)
    private readonly idempotencyModel: Model<IdempotencyRecord>,
    private readonly runner: CommandRunner,
    private readonly relay: OutboxRelay,
    private readonly publisher: EventPublisher,
    private readonly bus: CommandBus,
    private readonly idempotency: IdempotencyService,
    private readonly migration: HeldTimeMigration,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await Promise.all(
      [this.bookingModel, this.heldModel, this.idempotencyModel].map((model) => model.init()),
    );
    await this.migration.run();
    this.relay.start();
    this.schedulePurge();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.purgeTimer);
    await this.runner.drain(this.config.SHUTDOWN_TIMEOUT_MS);
    await this.purging;
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    await this.publisher.close();
    this.redis.disconnect();
  }

  /** Expired Idempotency-Keys go a day at a time; a day already purged costs nothing. */
  private schedulePurge(): void {
    this.purgeTimer = setTimeout(() => {
      this.purging = this.idempotency
        .purgeExpired()
        .catch((error: unknown) => this.logger.warn({ err: error }, 'purge failed; will retry'))
        .finally(() => this.schedulePurge());
    }, IDEMPOTENCY_PURGE_INTERVAL_MS);
  }
}
