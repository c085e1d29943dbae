import { Inject, Injectable, Logger } from '@nestjs/common';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from '../config';
import { DeliveriesService } from '../deliveries/deliveries.service';
import { dayOf } from '../deliveries/delivery-rules';
import { FeedService } from './feed.service';
import { HOUR_MS } from '@slotbook/scheduling';

export const PRUNE_INTERVAL_MS = HOUR_MS;

/** No TTL indexes on the test database: old events and finished deliveries go by day. */
@Injectable()
export class FeedRetention {
  private readonly logger = new Logger(FeedRetention.name);

  constructor(
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
    private readonly feed: FeedService,
    private readonly deliveries: DeliveriesService,
  ) {}

  async prune(): Promise<void> {
    try {
      await this.feed.prune();
      const lastDay = dayOf(new Date()) - this.config.FEED_RETENTION_DAYS - 1;
      for (let day = lastDay - 30; day <= lastDay; day += 1) await this.deliveries.pruneDay(day);
    } catch (error) {
      this.logger.warn({ err: error }, 'could not prune old events and deliveries');
    }
  }
}
