import { z } from 'zod';
import type { EventDefinition } from './common/event';
import { EVENT_CATALOG } from './event-catalog';
import { PingEvent } from './webhooks/rest';
import { SIGNATURE_TOLERANCE_SECONDS, WebhookHeader } from './webhooks/signature';

/** An AsyncAPI 3.0 document describing every event of the catalog, for external subscribers. */
export function buildAsyncApi(
  catalog: readonly EventDefinition[] = EVENT_CATALOG,
): Record<string, unknown> {
  const channels: Record<string, unknown> = {};
  const operations: Record<string, unknown> = {};
  const messages: Record<string, unknown> = {};
  for (const entry of catalog) {
    const name = entry.type.replace(/\./g, '_');
    messages[name] = {
      name: entry.type,
      title: entry.type,
      summary: entry.summary,
      contentType: 'application/json',
      headers: {
        type: 'object',
        description:
          'AMQP properties: messageId = id, type = type, persistent, contentType application/json',
      },
      payload: z.toJSONSchema(entry.envelope, { io: 'output', unrepresentable: 'any' }),
    };
    channels[name] = {
      address: entry.type,
      servers: [{ $ref: '#/servers/broker' }],
      description: `Topic exchange \`${entry.exchange}\`, routing key \`${entry.type}\`.`,
      messages: { [name]: { $ref: `#/components/messages/${name}` } },
      bindings: {
        amqp: {
          is: 'routingKey',
          exchange: { name: entry.exchange, type: 'topic', durable: true, autoDelete: false },
        },
      },
    };
    operations[`receive_${name}`] = { action: 'receive', channel: { $ref: `#/channels/${name}` } };
  }
  const webhook = webhookDelivery(catalog);
  Object.assign(messages, webhook.messages);
  channels.webhook = webhook.channel;
  operations.receive_webhook = {
    action: 'receive',
    channel: { $ref: '#/channels/webhook' },
    bindings: { http: { method: 'POST' } },
  };
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Slotbook domain events',
      version: '1',
      description:
        'Durable topic exchanges identity.events, availability.events and booking.events; routing key = event type. ' +
        'Delivery is at least once and in order per record: de-duplicate by `id`. `data` is the full current record. ' +
        'The same events reach webhook subscriptions as signed HTTPS POSTs (channel `webhook`) and are listed by GET /api/v1/events.',
    },
    defaultContentType: 'application/json',
    servers: {
      broker: { host: 'rabbitmq:5672', protocol: 'amqp' },
      webhooks: {
        host: 'your-endpoint.example',
        protocol: 'https',
        description:
          'Your webhook endpoint: Slotbook POSTs each event you subscribed to (POST /api/v1/webhooks) as JSON.',
      },
    },
    channels,
    operations,
    components: { messages },
  };
}

/**
 * The webhook channel (SPEC §6a): the same envelopes, POSTed to a subscriber's URL with the
 * delivery headers and the signature. Its messages name the catalog's payloads and `ping`.
 */
function webhookDelivery(catalog: readonly EventDefinition[]): {
  channel: Record<string, unknown>;
  messages: Record<string, unknown>;
} {
  const headers = {
    type: 'object',
    required: Object.values(WebhookHeader),
    properties: {
      'Content-Type': { type: 'string', const: 'application/json' },
      [WebhookHeader.EventId]: {
        type: 'string',
        description: 'the event id: de-duplicate by it (delivery is at least once)',
      },
      [WebhookHeader.EventType]: { type: 'string', description: 'the event type' },
      [WebhookHeader.DeliveryId]: {
        type: 'string',
        description: 'this event to this subscription; the same on every retry and redelivery',
      },
      [WebhookHeader.Signature]: {
        type: 'string',
        pattern: '^t=[0-9]+(,v1=[0-9a-f]{64})+$',
        description:
          '`t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<raw body>")>`, one `v1=` per live ' +
          'secret (two for 24 h after a rotation). Compare in constant time; refuse a `t` more ' +
          `than ${SIGNATURE_TOLERANCE_SECONDS} s from your clock.`,
      },
    },
  };
  const ping = {
    name: 'ping',
    title: 'ping',
    summary: 'Sent by POST /webhooks/:id/ping to check an endpoint.',
    contentType: 'application/json',
    headers,
    payload: z.toJSONSchema(PingEvent, { io: 'output', unrepresentable: 'any' }),
  };
  const messages: Record<string, unknown> = { webhook_ping: ping };
  for (const entry of catalog)
    messages[`webhook_${entry.type.replace(/\./g, '_')}`] = {
      name: entry.type,
      title: `${entry.type} (webhook)`,
      summary: entry.summary,
      contentType: 'application/json',
      headers,
      payload: { $ref: `#/components/messages/${entry.type.replace(/\./g, '_')}/payload` },
    };
  return {
    messages,
    channel: {
      address: '{url}',
      parameters: { url: { description: 'the `url` of the webhook subscription' } },
      servers: [{ $ref: '#/servers/webhooks' }],
      description:
        'HTTPS POST of an event to a webhook subscription (SPEC §6a). A 2xx within 10 s is a ' +
        'success; anything else is retried with backoff (about 30 s, 2 min, 10 min, 1 h, 3 h, ' +
        '6 h, …) for 24 h; 410 Gone deactivates the subscription. Not ordered across retries: ' +
        'order by GET /api/v1/events (the feed) or `occurredAt`.',
      messages: Object.fromEntries(
        Object.keys(messages).map((key) => [key, { $ref: `#/components/messages/${key}` }]),
      ),
    },
  };
}
