import { Module, type DynamicModule } from '@nestjs/common';
import { MongooseModule } from '@nestjs/mongoose';
import { WebhooksFeedSubscription } from '@slotbook/contracts';
import {
  HealthController,
  MetricsModule,
  countedMongoOptions,
  loggerModule,
} from '@slotbook/runtime';
import { commandServiceProviders, step, subscriber, timer } from '@slotbook/service-kit';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from './config';
import { DeliveriesHandlers } from './deliveries/deliveries.handlers';
import { DeliveriesRepository } from './deliveries/deliveries.repository';
import { DeliveriesService } from './deliveries/deliveries.service';
import { DeliveryDispatcher } from './deliveries/delivery-dispatcher';
import { DeliveryDocument, DeliverySchema } from './deliveries/delivery.schema';
import { WebhookSender } from './endpoints/webhook-sender';
import { EventIntakeService, INTAKE_BATCH } from './feed/event-intake.service';
import {
  FeedCounterDocument,
  FeedCounterSchema,
  FeedEventDocument,
  FeedEventSchema,
} from './feed/feed-event.schema';
import { PRUNE_INTERVAL_MS, FeedRetention } from './feed/feed-retention';
import { FeedHandlers } from './feed/feed.handlers';
import { FeedRepository } from './feed/feed.repository';
import { FeedService } from './feed/feed.service';
import { LocalSubscriptions } from './subscriptions/local-subscriptions';
import { SubscriptionDocument, SubscriptionSchema } from './subscriptions/subscription.schema';
import { SubscriptionsHandlers } from './subscriptions/subscriptions.handlers';
import { SubscriptionsRepository } from './subscriptions/subscriptions.repository';
import { SubscriptionsService } from './subscriptions/subscriptions.service';

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
        // Keeps nothing in Redis, publishes no events and asks no other service.
        ...commandServiceProviders({
          amqpUrl: config.AMQP_URL,
          commandMaxAttempts: config.COMMAND_MAX_ATTEMPTS,
          shutdownTimeoutMs: config.SHUTDOWN_TIMEOUT_MS,
          subscribers: [
            // Every event of the catalog: one added to it is bound without a change here.
            subscriber(EventIntakeService, {
              subscription: WebhooksFeedSubscription,
              prefetch: 2 * INTAKE_BATCH.maxItems,
              handle: (intake, event, delivery) => intake.take(event, delivery),
            }),
          ],
          steps: [
            // The feed's counter exists before any event is recorded.
            step(FeedRepository, { start: (feed) => feed.ensureCounter() }),
            step(DeliveryDispatcher, {
              start: (dispatcher) => dispatcher.start(),
              stop: (dispatcher, timeoutMs) => dispatcher.stop(timeoutMs),
            }),
            step(FeedService, { stop: (feed) => feed.stop() }),
          ],
          timers: [timer(FeedRetention, { everyMs: PRUNE_INTERVAL_MS, run: (r) => r.prune() })],
        }),
        {
          provide: WebhookSender,
          useFactory: () =>
            new WebhookSender({
              allowPrivate: config.WEBHOOK_ALLOW_PRIVATE_URLS,
              timeoutMs: config.WEBHOOK_TIMEOUT_MS,
            }),
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
        FeedRetention,
      ],
    };
  }
}
