import mongoose, { type Connection, type Model } from 'mongoose';
import { mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { WebhooksEnv } from '../src/config';
import { LocalSubscriptions } from '../src/subscriptions/local-subscriptions';
import { SubscriptionDocument, SubscriptionSchema } from '../src/subscriptions/subscription.schema';
import { SubscriptionsRepository } from '../src/subscriptions/subscriptions.repository';
import { SubscriptionsService } from '../src/subscriptions/subscriptions.service';

/**
 * Two replicas against the real database: subscriptions changed through one are in force on
 * the other for everything after the change was answered, and events read them from memory.
 */
describe('subscriptions held in memory by each replica', () => {
  let connection: Connection;
  let model: Model<SubscriptionDocument>;
  let service: SubscriptionsService;
  let other: LocalSubscriptions;
  const reads: string[] = [];
  const host = { id: 'host-local', role: 'HOST' as const };

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(mongoUrlFor(uniqueDatabase('webhooks_local')), { monitorCommands: true })
      .asPromise();
    connection.getClient().on('commandStarted', (event) => {
      if (event.commandName === 'find' && event.command.find === 'subscriptions')
        reads.push(event.commandName);
    });
    model = connection.model(SubscriptionDocument.name, SubscriptionSchema);
    await model.init();
    const config = WebhooksEnv.parse({
      AMQP_URL: 'amqp://127.0.0.1',
      MONGO_URL: 'mongodb://127.0.0.1',
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    });
    const repository = new SubscriptionsRepository(model);
    service = new SubscriptionsService(config, repository);
    other = new LocalSubscriptions(new SubscriptionsRepository(model));
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  it('applies a create, a change and a delete made through another replica once answered', async () => {
    expect(await other.matching('booking.created', host.id)).toEqual([]); // its copy is fresh
    const created = await service.create({
      actor: host,
      url: 'http://127.0.0.1:9/hook',
      events: ['booking.created'],
    });
    expect((await other.matching('booking.created', host.id)).map((doc) => doc._id)).toEqual([
      created.id,
    ]);
    expect(await other.matching('booking.created', 'another-host')).toEqual([]);

    await service.update(host, created.id, { events: ['booking.cancelled'] });
    expect(await other.matching('booking.created', host.id)).toEqual([]);
    expect(await other.matching('booking.cancelled', host.id)).toHaveLength(1);

    await service.update(host, created.id, { active: false });
    expect(await other.matching('booking.cancelled', host.id)).toEqual([]);
    expect((await other.get(created.id))?.active).toBe(false);

    await service.delete(host, created.id);
    expect(await other.get(created.id)).toBeNull();
  });

  it('reads the subscriptions once for a burst of events, not once per event', async () => {
    await new Promise((resolve) => setTimeout(resolve, 300)); // its copy is old by now
    reads.length = 0;
    await Promise.all(Array.from({ length: 50 }, () => other.matching('booking.created', host.id)));
    expect(reads).toHaveLength(1);
  });
});
