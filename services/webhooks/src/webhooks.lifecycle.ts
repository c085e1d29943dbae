import {
  Inject,
  Injectable,
  Logger,
  type BeforeApplicationShutdown,
  type OnApplicationBootstrap,
} from '@nestjs/common';
import { getModelToken } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import { CommandRunner, EventSubscriber } from '@slotbook/messaging';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from './config';
import { DeliveriesService } from './deliveries/deliveries.service';
import { DeliveryDispatcher } from './deliveries/delivery-dispatcher';
import { dayOf } from './deliveries/delivery-rules';
import { DeliveryDocument } from './deliveries/delivery.schema';
import { FeedCounterDocument, FeedEventDocument } from './feed/feed-event.schema';
import { FeedRepository } from './feed/feed.repository';
import { FeedService } from './feed/feed.service';
import { SubscriptionDocument } from './subscriptions/subscription.schema';

const PRUNE_INTERVAL_MS = 60 * 60 * 1000;

/** Start-up and graceful shutdown of the webhooks service's moving parts, in order. */
@Injectable()
export class WebhooksLifecycle implements OnApplicationBootstrap, BeforeApplicationShutdown {
  private readonly logger = new Logger(WebhooksLifecycle.name);
  private pruneTimer?: NodeJS.Timeout;

  constructor(
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
    @Inject(getModelToken(SubscriptionDocument.name))
    private readonly subscriptionModel: Model<unknown>,
    @Inject(getModelToken(DeliveryDocument.name)) private readonly deliveryModel: Model<unknown>,
    @Inject(getModelToken(FeedEventDocument.name)) private readonly feedModel: Model<unknown>,
    @Inject(getModelToken(FeedCounterDocument.name)) private readonly counterModel: Model<unknown>,
    private readonly feedRepository: FeedRepository,
    private readonly feed: FeedService,
    private readonly deliveries: DeliveriesService,
    private readonly dispatcher: DeliveryDispatcher,
    private readonly runner: CommandRunner,
    private readonly subscriber: EventSubscriber,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    // The unique index on feed positions is a guarantee: it exists before any event is recorded.
    await Promise.all(
      [this.subscriptionModel, this.deliveryModel, this.feedModel, this.counterModel].map((model) =>
        model.init(),
      ),
    );
    await this.feedRepository.ensureCounter();
    this.dispatcher.start();
    this.pruneTimer = setInterval(() => void this.prune(), PRUNE_INTERVAL_MS);
    void this.prune();
    await this.subscriber.waitForConnect();
  }

  async beforeApplicationShutdown(): Promise<void> {
    await this.runner.drain(this.config.SHUTDOWN_TIMEOUT_MS);
    await this.subscriber.close(this.config.SHUTDOWN_TIMEOUT_MS);
    this.feed.stop();
    clearInterval(this.pruneTimer);
    await this.dispatcher.stop(this.config.SHUTDOWN_TIMEOUT_MS);
  }

  /** No TTL indexes on the test database: old events and finished deliveries go by day. */
  private async prune(): Promise<void> {
    try {
      await this.feed.prune();
      const lastDay = dayOf(new Date()) - this.config.FEED_RETENTION_DAYS - 1;
      for (let day = lastDay - 30; day <= lastDay; day += 1) await this.deliveries.pruneDay(day);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not prune old events and deliveries');
    }
  }
}
