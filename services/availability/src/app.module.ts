import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { AVAILABILITY_EXCHANGE, HostAccountsSubscription } from '@slotbook/contracts';
import {
  HealthController,
  MetricsModule,
  countedMongoOptions,
  loggerModule,
} from '@slotbook/runtime';
import {
  commandServiceProviders,
  commandSettingsOf,
  outboxSettingsOf,
  subscriber,
} from '@slotbook/service-kit';
import { AVAILABILITY_CONFIG, type AvailabilityConfig } from './config';
import { HostAccountsService } from './host-accounts/host-accounts.service';
import { HostTermsHandlers } from './host-terms/host-terms.handlers';
import { HostTermsService } from './host-terms/host-terms.service';
import { TermsAnnouncer } from './host-terms/terms-announcer';
import { HeldSlotsClient } from './ranges/held-slots.client';
import { HostDirectory } from './ranges/host-directory.client';
import { HostAvailabilityRepository } from './ranges/host-availability.repository';
import {
  HostAvailabilityDocument,
  HostAvailabilitySchema,
  RecordHostDocument,
  RecordHostSchema,
} from './ranges/host-availability.schema';
import { HostWriteQueue } from './ranges/host-write-queue';
import { RangesHandlers } from './ranges/ranges.handlers';
import { RangesService } from './ranges/ranges.service';
import { HostSchedulesRepository } from './schedules/host-schedules.repository';
import { SchedulesHandlers } from './schedules/schedules.handlers';
import { SchedulesService } from './schedules/schedules.service';

@Module({})
export class AvailabilityModule {
  static forRoot(config: AvailabilityConfig): DynamicModule {
    return {
      module: AvailabilityModule,
      imports: [
        loggerModule('availability', config.LOG_LEVEL),
        MetricsModule.forRoot(config.METRICS_PORT),
        MongooseModule.forRoot(
          config.MONGO_URL,
          countedMongoOptions({ serverSelectionTimeoutMS: 5_000 }),
        ),
        MongooseModule.forFeature([
          { name: HostAvailabilityDocument.name, schema: HostAvailabilitySchema },
          { name: RecordHostDocument.name, schema: RecordHostSchema },
        ]),
      ],
      controllers: [RangesHandlers, SchedulesHandlers, HostTermsHandlers, HealthController],
      providers: [
        { provide: AVAILABILITY_CONFIG, useValue: config },
        ...commandServiceProviders({
          ...commandSettingsOf(config),
          redis: { url: config.REDIS_URL, offlineQueue: false },
          events: {
            exchange: AVAILABILITY_EXCHANGE,
            outbox: { model: HostAvailabilityDocument.name },
            ...outboxSettingsOf(config),
          },
          subscribers: [
            subscriber(HostAccountsService, {
              subscription: HostAccountsSubscription,
              prefetch: 16,
              handle: (accounts, event) => accounts.apply(event),
            }),
          ],
        }),
        HostAccountsService,
        TermsAnnouncer,
        HostTermsService,
        HostWriteQueue,
        HeldSlotsClient,
        HostDirectory,
        HostAvailabilityRepository,
        RangesService,
        HostSchedulesRepository,
        SchedulesService,
      ],
    };
  }
}
