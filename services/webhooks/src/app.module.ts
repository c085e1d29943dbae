import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule, getConnectionToken } from '@nestjs/mongoose';
import type { Connection } from 'mongoose';
import { AVAILABILITY_EXCHANGE, BOOKING_EXCHANGE, IDENTITY_EXCHANGE } from '@slotbook/contracts';
import { CommandRunner, EventSubscriber } from '@slotbook/messaging';
import { mongoReadiness } from '@slotbook/persistence';
import {
  HealthController,
  MetricsModule,
  READINESS_CHECKS,
  brokerReadiness,
  countedMongoOptions,
  loggerModule,
} from '@slotbook/runtime';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from './config';
import { DeliveriesHandlers } from './deliveries/deliveries.handlers';
import { DeliveriesRepository } from './deliveries/deliveries.repository';
import { DeliveriesService } from './deliveries/deliveries.service';
import { DeliveryDispatcher } from './deliveries/delivery-dispatcher';
import { DeliveryDocument, DeliverySchema } from './deliveries/delivery.schema';
import { WebhookSender } from './endpoints/webhook-sender';
import {
  EventIntakeService,
  INTAKE_BATCH,
  WEBHOOKS_EVENTS_QUEUE,
} from './feed/event-intake.service';
import {
  FeedCounterDocument,
  FeedCounterSchema,
  FeedEventDocument,
  FeedEventSchema,
} from './feed/feed-event.schema';
import { FeedHandlers } from './feed/feed.handlers';
import { FeedRepository } from './feed/feed.repository';
import { FeedService } from './feed/feed.service';
import { LocalSubscriptions } from './subscriptions/local-subscriptions';
import { SubscriptionDocument, SubscriptionSchema } from './subscriptions/subscription.schema';
import { SubscriptionsHandlers } from './subscriptions/subscriptions.handlers';
import { SubscriptionsRepository } from './subscriptions/subscriptions.repository';
import { SubscriptionsService } from './subscriptions/subscriptions.service';
import { WebhooksLifecycle } from './webhooks.lifecycle';

@Module({})
export class WebhooksModule {
  static forRoot(config: WebhooksConfig): DynamicModule {
    return {
      module: WebhooksModule,
      imports: [
        loggerModule('webhooks', config.LOG_LEVEL),
        MetricsModule.forRoot(config.METRICS_PORT),
        MongooseModule.forRoot(
          config.MONGO_URL,
          countedMongoOptions({ serverSelectionTimeoutMS: 5_000 }),
        ),
        MongooseModule.forFeature([
          { name: SubscriptionDocument.name, schema: SubscriptionSchema },
          { name: DeliveryDocument.name, schema: DeliverySchema },
          { name: FeedEventDocument.name, schema: FeedEventSchema },
          { name: FeedCounterDocument.name, schema: FeedCounterSchema },
        ]),
      ],
      controllers: [SubscriptionsHandlers, DeliveriesHandlers, FeedHandlers, HealthController],
      providers: [
        { provide: WEBHOOKS_CONFIG, useValue: config },
        {
          provide: CommandRunner,
          useFactory: () =>
            new CommandRunner({ maxAttempts: config.COMMAND_MAX_ATTEMPTS, retryDelayMs: 50 }),
        },
        {
          provide: WebhookSender,
          useFactory: () =>
            new WebhookSender({
              allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_URLS,
              timeoutMs: config.WEBHOOK_TIMEOUT_MS,
            }),
        },
        {
          // Every event of every exchange, `#` rather than a list of types: events added later
          // (schedules, event types) are recorded without a change here.
          provide: EventSubscriber,
          inject: [EventIntakeService],
          useFactory: (intake: EventIntakeService) =>
            new EventSubscriber(
              {
                amqpUrl: config.AMQP_URL,
                queue: WEBHOOKS_EVENTS_QUEUE,
                prefetch: 2 * INTAKE_BATCH.maxItems,
                bindings: [IDENTITY_EXCHANGE, AVAILABILITY_EXCHANGE, BOOKING_EXCHANGE].map(
                  (exchange) => ({ exchange, pattern: '#' }),
                ),
              },
              (event, delivery) => intake.take(event, delivery),
            ),
        },
        {
          provide: READINESS_CHECKS,
          inject: [getConnectionToken(), EventSubscriber],
          useFactory: (connection: Connection, subscriber: EventSubscriber) => [
            mongoReadiness(connection),
            brokerReadiness(subscriber),
          ],
        },
        SubscriptionsRepository,
        LocalSubscriptions,
        SubscriptionsService,
        DeliveriesRepository,
        DeliveriesService,
        DeliveryDispatcher,
        FeedRepository,
        FeedService,
        EventIntakeService,
        WebhooksLifecycle,
      ],
    };
  }
}
