import { z } from 'zod';
import { EVENT_CATALOG, type CatalogEntry } from './event-catalog';

/** An AsyncAPI 3.0 document describing every event of the catalog, for external subscribers. */
export function buildAsyncApi(catalog: CatalogEntry[] = EVENT_CATALOG): Record<string, unknown> {
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
      payload: z.toJSONSchema(entry.schema, { io: 'output', unrepresentable: 'any' }),
    };
    channels[name] = {
      address: entry.type,
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
  return {
    asyncapi: '3.0.0',
    info: {
      title: 'Slotbook domain events',
      version: '1',
      description:
        'Durable topic exchanges identity.events, availability.events and booking.events; routing key = event type. ' +
        'Delivery is at least once and in order per record: de-duplicate by `id`. `data` is the full current record.',
    },
    defaultContentType: 'application/json',
    servers: { broker: { host: 'rabbitmq:5672', protocol: 'amqp' } },
    channels,
    operations,
    components: { messages },
  };
}
