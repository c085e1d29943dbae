import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { MailFactsSubscription, MailedEventsSubscription } from '@slotbook/contracts';
import {
  HealthController,
  MetricsModule,
  countedMongoOptions,
  loggerModule,
} from '@slotbook/runtime';
import { commandServiceProviders, step, subscriber } from '@slotbook/service-kit';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from './config';
import { BookingFactsSource } from './mail/booking-facts';
import { BookingMailIntake } from './mail/booking-mail-intake';
import { MailDispatcher } from './mail/mail-dispatcher';
import { MailHandlers } from './mail/mail.handlers';
import { MailRepository } from './mail/mail.repository';
import { MailDocument, MailSchema } from './mail/mail.schema';

@Module({})
export class NotificationsModule {
  static forRoot(config: NotificationsConfig): DynamicModule {
    return {
      module: NotificationsModule,
      imports: [
        loggerModule('notifications', config.LOG_LEVEL),
        MetricsModule.forRoot(config.METRICS_PORT),
        MongooseModule.forRoot(
          config.MONGO_URL,
          countedMongoOptions({ serverSelectionTimeoutMS: 5_000 }),
        ),
        MongooseModule.forFeature([{ name: MailDocument.name, schema: MailSchema }]),
      ],
      controllers: [MailHandlers, HealthController],
      providers: [
        { provide: NOTIFICATIONS_CONFIG, useValue: config },
        // Keeps nothing in Redis and publishes no events; asks identity and availability.
        ...commandServiceProviders({
          amqpUrl: config.AMQP_URL,
          commandMaxAttempts: config.COMMAND_MAX_ATTEMPTS,
          shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
          rpcTimeoutMs: config.RPC_TIMEOUT_MS,
          subscribers: [
            subscriber(BookingMailIntake, {
              subscription: MailedEventsSubscription,
              prefetch: config.PREFETCH_COUNT,
              handle: (intake, event) => intake.take(event),
            }),
            subscriber(BookingFactsSource, {
              subscription: MailFactsSubscription,
              prefetch: config.PREFETCH_COUNT,
              handle: async (facts, event) => facts.hear(event),
              subscribed: (facts) => facts.forget(),
            }),
          ],
          steps: [
            step(MailDispatcher, {
              start: (dispatcher) => dispatcher.start(),
              stop: (dispatcher, timeoutMs) => dispatcher.stop(timeoutMs),
            }),
          ],
        }),
        MailRepository,
        BookingFactsSource,
        MailDispatcher,
        BookingMailIntake,
      ],
    };
  }
}
