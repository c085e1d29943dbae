import { z } from 'zod';
import { eventEnvelope } from '../common/event-envelope';
import { PageQuery, pageOf } from '../common/pagination';
import { InstantOut } from '../common/timestamp';
import { EVENT_CATALOG } from '../event-catalog';

/** The event types a subscription may name: every type of the published catalog. */
export const SUBSCRIBABLE_EVENT_TYPES = EVENT_CATALOG.map((entry) => entry.type);

/** The type of the test event `POST /webhooks/:id/ping` delivers (never recorded in the feed). */
export const PING_EVENT_TYPE = 'ping';

export const PingEvent = eventEnvelope(
  PING_EVENT_TYPE,
  z.object({ webhookId: z.string().describe('the webhook that was pinged') }),
);

export const WEBHOOK_URL_MAX_LENGTH = 2048;
export const WEBHOOK_DESCRIPTION_MAX_LENGTH = 500;

export const SubscribableEventType = z
  .string()
  .refine((type) => SUBSCRIBABLE_EVENT_TYPES.includes(type), {
    message: `must be one of: ${SUBSCRIBABLE_EVENT_TYPES.join(', ')}`,
  })
  .meta({ enum: SUBSCRIBABLE_EVENT_TYPES });

/**
 * The shape of an endpoint's URL: absolute, `http` or `https`, no credentials in it, nothing a
 * parser would drop or rewrite. Whether `http` is allowed and where the host resolves to are
 * the webhooks service's checks (they depend on its settings and on DNS), answered as 422 on
 * `url` as well.
 */
export const WebhookUrl = z
  .string()
  .max(WEBHOOK_URL_MAX_LENGTH)
  // A URL parser drops or rewrites these (tabs and newlines inside, spaces around, `\` as `/`):
  // refused, so the URL stored and shown is the one requests go to.
  .regex(/^[^\s\\\p{Cc}]*$/u, {
    message: 'must not contain spaces, control characters or backslashes',
    abort: true,
  })
  .refine(
    (value) => {
      try {
        const url = new URL(value);
        return (
          (url.protocol === 'https:' || url.protocol === 'http:') &&
          url.hostname !== '' &&
          url.username === '' &&
          url.password === ''
        );
      } catch {
        return false;
      }
    },
    { message: 'must be an absolute https URL without credentials' },
  );

const EventTypeList = z
  .array(SubscribableEventType)
  .min(1)
  .max(SUBSCRIBABLE_EVENT_TYPES.length)
  .refine((types) => new Set(types).size === types.length, { message: 'must not repeat a type' });

export const CreateWebhookBody = z.strictObject({
  url: WebhookUrl,
  events: EventTypeList,
  description: z.string().max(WEBHOOK_DESCRIPTION_MAX_LENGTH).optional(),
});
export type CreateWebhookBody = z.infer<typeof CreateWebhookBody>;

export const UpdateWebhookBody = z
  .strictObject({
    url: WebhookUrl.optional(),
    events: EventTypeList.optional(),
    active: z.boolean().optional(),
    description: z.string().max(WEBHOOK_DESCRIPTION_MAX_LENGTH).nullable().optional(),
  })
  .refine((body) => Object.values(body).some((value) => value !== undefined), {
    message: 'must change at least one field',
  });
export type UpdateWebhookBody = z.infer<typeof UpdateWebhookBody>;

export const WebhookIdParam = z.strictObject({ id: z.string().min(1).max(100) });
export const WebhookDeliveryParams = z.strictObject({
  id: z.string().min(1).max(100),
  deliveryId: z.string().min(1).max(200),
});

/** A subscription as every read answers it: never its secret. */
export const Webhook = z.object({
  id: z.string(),
  ownerId: z.string().describe('the account that created it'),
  url: z.string(),
  events: z.array(z.string()),
  description: z.string().nullable(),
  active: z.boolean(),
  createdAt: InstantOut,
  updatedAt: InstantOut,
});
export type Webhook = z.infer<typeof Webhook>;

/** The answer of a creation and of a rotation: the only times the secret is shown. */
export const WebhookWithSecret = Webhook.extend({
  secret: z
    .string()
    .describe('signs every delivery (HMAC-SHA256); shown only in this answer, keep it safe'),
});
export type WebhookWithSecret = z.infer<typeof WebhookWithSecret>;

export const WebhookPage = pageOf(Webhook);

export const DeliveryStatus = z.enum(['pending', 'succeeded', 'failed']);
export type DeliveryStatus = z.infer<typeof DeliveryStatus>;

export const WebhookDelivery = z.object({
  id: z.string(),
  eventId: z.string(),
  type: z.string(),
  status: DeliveryStatus,
  attempts: z.number().int(),
  lastResponseStatus: z.number().int().nullable(),
  lastError: z.string().nullable(),
  lastResponseBody: z
    .string()
    .nullable()
    .describe("the start of the receiver's last answer (at most 1 KiB)"),
  nextAttemptAt: InstantOut.nullable(),
  createdAt: InstantOut,
  deliveredAt: InstantOut.nullable(),
});
export type WebhookDelivery = z.infer<typeof WebhookDelivery>;

export const WebhookDeliveryPage = pageOf(WebhookDelivery);

export const ListWebhooksQuery = PageQuery;
export type ListWebhooksQuery = z.infer<typeof ListWebhooksQuery>;

export const ListDeliveriesQuery = PageQuery.extend({ status: DeliveryStatus.optional() });
export type ListDeliveriesQuery = z.infer<typeof ListDeliveriesQuery>;

/** `types` as a client writes it: a comma-separated list of known event types. */
export const EventTypesParam = z
  .string()
  .max(2000)
  .transform((value, context) => {
    const types = value.split(',').map((type) => type.trim());
    const unknown = types.filter((type) => !SUBSCRIBABLE_EVENT_TYPES.includes(type));
    if (unknown.length > 0) {
      context.addIssue({
        code: 'custom',
        message: `unknown event type(s): ${unknown.join(', ')}`,
      });
      return z.NEVER;
    }
    return [...new Set(types)];
  })
  .optional();

/** What the service reads the feed with: the position (its own cursor) and the types. */
export const FeedQuery = z.strictObject({
  after: z.string().min(1).max(512).optional(),
  types: z.array(z.string()).optional(),
  limit: z.number().int().min(1).max(100),
});
export type FeedQuery = z.infer<typeof FeedQuery>;

/** An event as the feed and the webhooks carry it: the §6 envelope. */
export const FeedEvent = z.object({
  id: z.string(),
  type: z.string(),
  version: z.literal(1),
  occurredAt: InstantOut,
  correlationId: z.string(),
  actorId: z.string().nullable().optional(),
  data: z.record(z.string(), z.unknown()),
});
export type FeedEvent = z.infer<typeof FeedEvent>;

/**
 * A page of the feed. `nextCursor` is never null: a feed has no end, so it is where to ask
 * again (`?after=`), now for the next page or later for what has been recorded since.
 */
export const FeedPage = z.object({ data: z.array(FeedEvent), nextCursor: z.string() });
export type FeedPage = z.infer<typeof FeedPage>;
