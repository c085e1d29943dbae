import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import type Redis from 'ioredis';
import { BOOKING_EXCHANGE } from '@slotbook/contracts';
import {
  HealthController,
  MetricsModule,
  countedMongoOptions,
  loggerModule,
} from '@slotbook/runtime';
import {
  REDIS,
  commandServiceProviders,
  commandSettingsOf,
  outboxSettingsOf,
  step,
} from '@slotbook/service-kit';
import { BookingDocument, BookingSchema } from './bookings/booking.schema';
import { BookingsHandlers } from './bookings/bookings.handlers';
import { BookingsRepository } from './bookings/bookings.repository';
import { BookingsService } from './bookings/bookings.service';
import { CreateBookingHandler } from './bookings/create-booking.handler';
import { HeldTimeMigration } from './bookings/held-time.migration';
import { HeldTimeDocument, HeldTimeSchema } from './bookings/held-time.schema';
import { RescheduleBookingHandler } from './bookings/reschedule-booking.handler';
import { SeatHold } from './bookings/seat-hold';
import { SlotHold } from './bookings/slot-hold';
import { SlotLock } from './bookings/slot-lock';
import { AnnouncedVersions } from './bookings/announced-versions';
import { SlotTermsClient } from './bookings/slot-terms.client';
import { CalendarFeedDocument, CalendarFeedSchema } from './calendar-feeds/calendar-feed.schema';
import { CalendarFeedsHandlers } from './calendar-feeds/calendar-feeds.handlers';
import { CalendarFeedsRepository } from './calendar-feeds/calendar-feeds.repository';
import { BOOKING_CONFIG, type BookingConfig } from './config';

@Module({})
export class BookingModule {
  static forRoot(config: BookingConfig): DynamicModule {
    return {
      module: BookingModule,
      imports: [
        loggerModule('booking', config.LOG_LEVEL),
        MetricsModule.forRoot(config.METRICS_PORT),
        MongooseModule.forRoot(
          config.MONGO_URL,
          countedMongoOptions({ serverSelectionTimeoutMS: 5_000 }),
        ),
        MongooseModule.forFeature([
          { name: BookingDocument.name, schema: BookingSchema },
          { name: HeldTimeDocument.name, schema: HeldTimeSchema },
          { name: CalendarFeedDocument.name, schema: CalendarFeedSchema },
        ]),
      ],
      controllers: [BookingsHandlers, CalendarFeedsHandlers, HealthController],
      providers: [
        { provide: BOOKING_CONFIG, useValue: config },
        ...commandServiceProviders({
          ...commandSettingsOf(config),
          // With Redis down, lock attempts fail at once and the unique index decides.
          redis: { url: config.REDIS_URL, offlineQueue: false },
          events: {
            exchange: BOOKING_EXCHANGE,
            outbox: { model: BookingDocument.name },
            ...outboxSettingsOf(config),
          },
          // Before the relay starts and before the first command is taken.
          steps: [step(HeldTimeMigration, { start: (migration) => migration.run() })],
        }),
        {
          provide: SlotLock,
          inject: [REDIS],
          useFactory: (redis: Redis) =>
            new SlotLock(redis, {
              enabled: config.SLOT_LOCK === 'redlock',
              ttlMs: config.SLOT_LOCK_TTL_MS,
            }),
        },
        BookingsRepository,
        BookingsService,
        CreateBookingHandler,
        RescheduleBookingHandler,
        SeatHold,
        SlotHold,
        AnnouncedVersions,
        SlotTermsClient,
        HeldTimeMigration,
        CalendarFeedsRepository,
      ],
    };
  }
}
