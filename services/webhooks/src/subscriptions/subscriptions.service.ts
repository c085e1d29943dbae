import { Inject, Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  type Actor,
  type CreateWebhookCommand,
  type ListWebhooksQuery,
  type Page,
  type UpdateWebhookBody,
  type Webhook,
  type WebhookWithSecret,
} from '@slotbook/contracts';
import { backoff } from '@slotbook/runtime';
import { WEBHOOKS_CONFIG, type WebhooksConfig } from '../config';
import { UrlRefused, checkWebhookUrl } from '../endpoints/url-guard';
import { audienceOf, mayManage, requireSubscriber } from './audience-rules';
import { CHANGE_SETTLE_MS } from './local-subscriptions';
import { toWebhook, withSecret } from './subscription.mapper';
import type { SubscriptionDocument } from './subscription.schema';
import { SubscriptionsRepository } from './subscriptions.repository';
import { newSecret, rotate } from './secret-rules';

/**
 * A change is answered only once every replica's copy of the subscriptions holds it, so it
 * applies to every event recorded after the answer (see LocalSubscriptions).
 */
function everyReplicaHasIt(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, CHANGE_SETTLE_MS));
}

/** How many times a change reads and decides again when another writer got there first. */
const MAX_CHANGE_ATTEMPTS = 8;

@Injectable()
export class SubscriptionsService {
  constructor(
    @Inject(WEBHOOKS_CONFIG) private readonly config: WebhooksConfig,
    private readonly repository: SubscriptionsRepository,
  ) {}

  async create(command: CreateWebhookCommand): Promise<WebhookWithSecret> {
    const audience = audienceOf(command.actor);
    await this.checkUrl(command.url);
    const limit = this.config.WEBHOOK_MAX_PER_OWNER;
    if ((await this.repository.countOwned(command.actor.id)) >= limit)
      throw new DomainError(
        ErrorCode.Conflict,
        `an account may have at most ${limit} webhooks; delete one first`,
      );
    const secret = newSecret();
    const now = new Date();
    const doc: SubscriptionDocument = {
      _id: randomUUID(),
      ownerId: command.actor.id,
      audience,
      url: command.url,
      events: command.events,
      description: command.description ?? null,
      active: true,
      secrets: [{ value: secret, expiresAt: null }],
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    await this.repository.insert(doc);
    await everyReplicaHasIt();
    return withSecret(doc, secret);
  }

  async list(actor: Actor, query: ListWebhooksQuery): Promise<Page<Webhook>> {
    requireSubscriber(actor);
    const page = await this.repository.list(
      actor.role === 'ADMIN' ? null : actor.id,
      query.limit,
      query.cursor,
    );
    return { data: page.data.map(toWebhook), nextCursor: page.nextCursor };
  }

  async get(actor: Actor, id: string): Promise<Webhook> {
    return toWebhook(await this.load(actor, id));
  }

  /** The subscription if `actor` may manage it; 404 otherwise (never revealing others'). */
  async load(actor: Actor, id: string): Promise<SubscriptionDocument> {
    requireSubscriber(actor);
    const doc = await this.repository.findById(id);
    if (!doc || !mayManage(actor, doc.ownerId)) throw DomainError.notFound('webhook');
    return doc;
  }

  async update(actor: Actor, id: string, changes: UpdateWebhookBody): Promise<Webhook> {
    if (changes.url !== undefined) await this.checkUrl(changes.url);
    const updated = await this.change(actor, id, () => ({
      ...(changes.url !== undefined ? { url: changes.url } : {}),
      ...(changes.events !== undefined ? { events: changes.events } : {}),
      ...(changes.active !== undefined ? { active: changes.active } : {}),
      ...(changes.description !== undefined ? { description: changes.description } : {}),
    }));
    return toWebhook(updated);
  }

  async rotateSecret(actor: Actor, id: string): Promise<WebhookWithSecret> {
    const secret = newSecret();
    const updated = await this.change(actor, id, (current) => ({
      secrets: rotate(current.secrets, secret, new Date()),
    }));
    return withSecret(updated, secret);
  }

  async delete(actor: Actor, id: string): Promise<void> {
    await this.load(actor, id);
    await this.repository.delete(id);
    await everyReplicaHasIt();
  }

  /** Read, decide, compare-and-set; again when another writer changed it meanwhile. */
  private async change(
    actor: Actor,
    id: string,
    decide: (current: SubscriptionDocument) => Partial<SubscriptionDocument>,
  ): Promise<SubscriptionDocument> {
    for (let attempt = 0; attempt < MAX_CHANGE_ATTEMPTS; attempt += 1) {
      const current = await this.load(actor, id);
      const updated = await this.repository.replace(current, decide(current));
      if (updated) {
        await everyReplicaHasIt();
        return updated;
      }
      await backoff(attempt);
    }
    throw new DomainError(
      ErrorCode.Conflict,
      'the webhook is being changed by another request; retry',
    );
  }

  private async checkUrl(url: string): Promise<void> {
    try {
      await checkWebhookUrl(url, { allowPrivate: this.config.WEBHOOK_ALLOW_PRIVATE_URLS });
    } catch (error) {
      if (error instanceof UrlRefused)
        throw DomainError.validation('the webhook URL is refused', [
          { path: 'url', message: error.reason },
        ]);
      throw error;
    }
  }
}
