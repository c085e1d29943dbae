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
import { ClaimSweeper } from './bookings/claim-sweeper';
import { SlotClaimDocument } from './bookings/slot-claim.schema';
import { IdempotencyRecord } from './idempotency/idempotency.schema';
import { IdempotencyService } from './idempotency/idempotency.service';

/** Start-up and graceful shutdown of booking's moving parts, in order. */
@Injectable()
export class BookingLifecycle
  implements OnApplicationBootstrap, BeforeApplicationShutdown, OnApplicationShutdown
{
  private readonly logger = new Logger(BookingLifecycle.name);
  private sweepTimer?: NodeJS.Timeout;
  private sweeping?: Promise<unknown>;

  constructor(
    @Inject(BOOKING_CONFIG) private readonly config: BookingConfig,
    @Inject(REDIS) private readonly redis: Redis,
    @InjectModel(BookingDocument.name) private readonly bookingModel: Model<BookingDocument>,
    @InjectModel(SlotClaimDocument.name) private readonly claimModel: Model<SlotClaimDocument>,
    @InjectModel(IdempotencyRecord.name)
    private readonly idempotencyModel: Model<IdempotencyRecord>,
    private readonly runner: CommandRunner,
    private readonly relay: OutboxRelay,
    private readonly publisher: EventPublisher,
    private readonly bus: CommandBus,
    private readonly sweeper: ClaimSweeper,
    private readonly idempotency: IdempotencyService,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The unique index on slot claims is the double-booking guarantee: it exists before any write.
    await Promise.all(
      [this.bookingModel, this.claimModel, this.idempotencyModel].map((model) => model.init()),
    );
    this.relay.start();
    this.scheduleSweep();
  }

  async beforeApplicationShutdown(): Promise<void> {
    clearTimeout(this.sweepTimer);
    await this.runner.drain(this.config.SHUTDOWN_TIMEOUT_MS);
    await this.sweeping;
    await this.relay.stop();
  }

  async onApplicationShutdown(): Promise<void> {
    await this.bus.close();
    await this.publisher.close();
    this.redis.disconnect();
  }

  private scheduleSweep(): void {
    this.sweepTimer = setTimeout(() => {
      this.sweeping = Promise.all([this.sweeper.sweep(), this.idempotency.purgeExpired()])
        .catch((error: unknown) => this.logger.warn({ err: error }, 'sweep failed; will retry'))
        .finally(() => this.scheduleSweep());
    }, this.config.SWEEP_INTERVAL_MS);
  }
}
