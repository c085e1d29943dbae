import type { Webhook, WebhookWithSecret } from '@slotbook/contracts';
import type { SubscriptionDocument } from './subscription.schema';

/** A subscription as the API shows it: never a secret. */
export function toWebhook(doc: SubscriptionDocument): Webhook {
  return {
    id: doc._id,
    ownerId: doc.ownerId,
    url: doc.url,
    events: doc.events,
    description: doc.description,
    active: doc.active,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}

/** The answer of a creation or a rotation, the only ones that show the (new) secret. */
export function withSecret(doc: SubscriptionDocument, secret: string): WebhookWithSecret {
  return { ...toWebhook(doc), secret };
}
