import { z } from 'zod';
import { Actor } from '../common/actor';
import { defineCommand } from '../common/command';
import {
  CreateWebhookBody,
  FeedPage,
  FeedQuery,
  ListDeliveriesQuery,
  ListWebhooksQuery,
  UpdateWebhookBody,
  Webhook,
  WebhookDeliveryPage,
  WebhookPage,
  WebhookWithSecret,
} from './rest';

/** The queue the webhooks service consumes its commands from. */
export const WEBHOOKS_QUEUE = 'webhooks.commands';

/** Message patterns of the webhooks service's commands (imperative names). */
export const WebhooksCommand = {
  CreateWebhook: 'webhooks.create-webhook',
  ListWebhooks: 'webhooks.list-webhooks',
  GetWebhook: 'webhooks.get-webhook',
  UpdateWebhook: 'webhooks.update-webhook',
  DeleteWebhook: 'webhooks.delete-webhook',
  RotateWebhookSecret: 'webhooks.rotate-webhook-secret',
  ListDeliveries: 'webhooks.list-deliveries',
  RedeliverDelivery: 'webhooks.redeliver-delivery',
  PingWebhook: 'webhooks.ping-webhook',
  ReadFeed: 'webhooks.read-feed',
} as const;

export const CreateWebhookCommand = CreateWebhookBody.extend({ actor: Actor });
export type CreateWebhookCommand = z.infer<typeof CreateWebhookCommand>;

export const ListWebhooksCommand = z.object({ actor: Actor, query: ListWebhooksQuery });
export type ListWebhooksCommand = z.infer<typeof ListWebhooksCommand>;

export const WebhookActionCommand = z.object({ actor: Actor, webhookId: z.string().min(1) });
export type WebhookActionCommand = z.infer<typeof WebhookActionCommand>;

export const UpdateWebhookCommand = WebhookActionCommand.extend({ changes: UpdateWebhookBody });
export type UpdateWebhookCommand = z.infer<typeof UpdateWebhookCommand>;

export const ListDeliveriesCommand = WebhookActionCommand.extend({ query: ListDeliveriesQuery });
export type ListDeliveriesCommand = z.infer<typeof ListDeliveriesCommand>;

export const RedeliverDeliveryCommand = WebhookActionCommand.extend({
  deliveryId: z.string().min(1),
});
export type RedeliverDeliveryCommand = z.infer<typeof RedeliverDeliveryCommand>;

export const ReadFeedCommand = z.object({ actor: Actor, query: FeedQuery });
export type ReadFeedCommand = z.infer<typeof ReadFeedCommand>;

/** The answer of the accepted actions (202): what was scheduled. */
export const DeliveryAccepted = z.object({ deliveryId: z.string() });
export type DeliveryAccepted = z.infer<typeof DeliveryAccepted>;

// What each command carries and answers; the reads are retry-safe.

export const CreateWebhook = defineCommand({
  queue: WEBHOOKS_QUEUE,
  pattern: WebhooksCommand.CreateWebhook,
  input: CreateWebhookCommand,
  output: WebhookWithSecret,
  retrySafe: false,
});

export const ListWebhooks = defineCommand({
  queue: WEBHOOKS_QUEUE,
  pattern: WebhooksCommand.ListWebhooks,
  input: ListWebhooksCommand,
  output: WebhookPage,
  retrySafe: true,
});

export const GetWebhook = defineCommand({
  queue: WEBHOOKS_QUEUE,
  pattern: WebhooksCommand.GetWebhook,
  input: WebhookActionCommand,
  output: Webhook,
  retrySafe: true,
});

export const UpdateWebhook = defineCommand({
  queue: WEBHOOKS_QUEUE,
  pattern: WebhooksCommand.UpdateWebhook,
  input: UpdateWebhookCommand,
  output: Webhook,
  retrySafe: false,
});

/** Answers nothing (null): the subscription is gone. */
export const DeleteWebhook = defineCommand({
  queue: WEBHOOKS_QUEUE,
  pattern: WebhooksCommand.DeleteWebhook,
  input: WebhookActionCommand,
  output: z.null(),
  retrySafe: false,
});

export const RotateWebhookSecret = defineCommand({
  queue: WEBHOOKS_QUEUE,
  pattern: WebhooksCommand.RotateWebhookSecret,
  input: WebhookActionCommand,
  output: WebhookWithSecret,
  retrySafe: false,
});

export const ListDeliveries = defineCommand({
  queue: WEBHOOKS_QUEUE,
  pattern: WebhooksCommand.ListDeliveries,
  input: ListDeliveriesCommand,
  output: WebhookDeliveryPage,
  retrySafe: true,
});

export const RedeliverDelivery = defineCommand({
  queue: WEBHOOKS_QUEUE,
  pattern: WebhooksCommand.RedeliverDelivery,
  input: RedeliverDeliveryCommand,
  output: DeliveryAccepted,
  retrySafe: false,
});

export const PingWebhook = defineCommand({
  queue: WEBHOOKS_QUEUE,
  pattern: WebhooksCommand.PingWebhook,
  input: WebhookActionCommand,
  output: DeliveryAccepted,
  retrySafe: false,
});

export const ReadFeed = defineCommand({
  queue: WEBHOOKS_QUEUE,
  pattern: WebhooksCommand.ReadFeed,
  input: ReadFeedCommand,
  output: FeedPage,
  retrySafe: true,
});

export const WEBHOOKS_COMMANDS = [
  CreateWebhook,
  ListWebhooks,
  GetWebhook,
  UpdateWebhook,
  DeleteWebhook,
  RotateWebhookSecret,
  ListDeliveries,
  RedeliverDelivery,
  PingWebhook,
  ReadFeed,
] as const;
