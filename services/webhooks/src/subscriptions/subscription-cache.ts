import { Injectable } from '@nestjs/common';
import type { SubscriptionDocument } from './subscription.schema';
import { SubscriptionsRepository } from './subscriptions.repository';

/** How long an attempt may use a subscription as it was read (URL, secrets, active). */
export const SUBSCRIPTION_CACHE_MS = 1_000;

/**
 * The subscriptions as delivery attempts read them: each one read at most once a second per
 * replica rather than once per attempt (ten subscriptions and a hundred events a second are a
 * thousand reads otherwise). A change made through this replica is seen at once; one made
 * through another replica within a second.
 */
@Injectable()
export class SubscriptionCache {
  private readonly entries = new Map<string, { doc: SubscriptionDocument | null; at: number }>();

  constructor(private readonly repository: SubscriptionsRepository) {}

  async get(id: string): Promise<SubscriptionDocument | null> {
    const cached = this.entries.get(id);
    if (cached && Date.now() - cached.at < SUBSCRIPTION_CACHE_MS) return cached.doc;
    const doc = await this.repository.findById(id);
    this.entries.set(id, { doc, at: Date.now() });
    if (this.entries.size > 10_000) this.entries.clear();
    return doc;
  }

  forget(id: string): void {
    this.entries.delete(id);
  }
}
