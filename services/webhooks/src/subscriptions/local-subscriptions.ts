import { Injectable } from '@nestjs/common';
import { reaches } from './audience-rules';
import type { SubscriptionDocument } from './subscription.schema';
import { SubscriptionsRepository } from './subscriptions.repository';

/**
 * How old this replica's copy of the subscriptions may be when an event or an attempt uses it.
 * Every change waits CHANGE_SETTLE_MS (longer) before it is answered, so a copy read after the
 * answer is never older than the change, on any replica.
 */
export const SUBSCRIPTIONS_MAX_AGE_MS = 250;
export const CHANGE_SETTLE_MS = SUBSCRIPTIONS_MAX_AGE_MS + 50;

interface Copy {
  /** When the read that made it was sent (monotonic ms): it holds every change answered before. */
  readAt: number;
  byId: Map<string, SubscriptionDocument>;
}

/**
 * The subscriptions as events and attempts read them: every one, held in memory and read
 * again in one query when an event needs them and the copy is older than
 * SUBSCRIPTIONS_MAX_AGE_MS (nothing on a timer: an idle replica reads nothing). Why this is
 * exact across replicas: a change is answered CHANGE_SETTLE_MS after its write, and a copy used
 * at any time after that answer was read less than SUBSCRIPTIONS_MAX_AGE_MS before, so after
 * the write.
 */
@Injectable()
export class LocalSubscriptions {
  private copy?: Copy;
  private reading?: { since: number; copy: Promise<Copy> };

  constructor(private readonly repository: SubscriptionsRepository) {}

  /** The active subscriptions an event of `type` about `ownerId` goes to. */
  async matching(type: string, ownerId: string | null): Promise<SubscriptionDocument[]> {
    const { byId } = await this.current();
    return [...byId.values()].filter(
      (doc) => doc.active && reaches(doc.audience, ownerId) && doc.events.includes(type),
    );
  }

  async get(id: string): Promise<SubscriptionDocument | null> {
    return (await this.current()).byId.get(id) ?? null;
  }

  /** A 410 deactivated it here: no need to wait for the next read to stop sending. */
  deactivated(id: string): void {
    const doc = this.copy?.byId.get(id);
    if (doc) this.copy?.byId.set(id, { ...doc, active: false });
  }

  private current(): Promise<Copy> {
    const oldest = performance.now() - SUBSCRIPTIONS_MAX_AGE_MS;
    if (this.copy && this.copy.readAt >= oldest) return Promise.resolve(this.copy);
    if (!this.reading || this.reading.since < oldest) {
      const since = performance.now();
      const copy = this.repository.all().then((docs) => {
        const read = { readAt: since, byId: new Map(docs.map((doc) => [doc._id, doc])) };
        if (!this.copy || this.copy.readAt < since) this.copy = read;
        return read;
      });
      const reading = { since, copy };
      this.reading = reading;
      void copy.then(
        () => this.reading === reading && (this.reading = undefined),
        () => this.reading === reading && (this.reading = undefined),
      );
    }
    return this.reading.copy;
  }
}
