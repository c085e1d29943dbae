import mongoose, { type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { WebhookReceiver, eventually, mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { WebhooksEnv } from '../src/config';
import { DeliveriesRepository } from '../src/deliveries/deliveries.repository';
import { DeliveryDispatcher } from '../src/deliveries/delivery-dispatcher';
import { DeliveryDocument, DeliverySchema } from '../src/deliveries/delivery.schema';
import { WebhookSender } from '../src/endpoints/webhook-sender';
import { CHANGE_SETTLE_MS, LocalSubscriptions } from '../src/subscriptions/local-subscriptions';
import { SubscriptionDocument, SubscriptionSchema } from '../src/subscriptions/subscription.schema';
import { SubscriptionsRepository } from '../src/subscriptions/subscriptions.repository';
import { SubscriptionsService } from '../src/subscriptions/subscriptions.service';
import { DeliveriesService } from '../src/deliveries/deliveries.service';
import { EventIntakeService } from '../src/feed/event-intake.service';
import {
  FeedCounterDocument,
  FeedCounterSchema,
  FeedEventDocument,
  FeedEventSchema,
} from '../src/feed/feed-event.schema';
import { FeedRepository } from '../src/feed/feed.repository';
import { FeedService } from '../src/feed/feed.service';
import { bookingCreated } from './events';

/**
 * A new event's deliveries against the real database and real HTTP receivers: attempted before
 * they are stored, stored once with their first answers, and never sent again when the event
 * comes back from the broker after they were stored.
 */
describe('delivering a new event', () => {
  const TIMEOUT_MS = 2_500;
  let connection: Connection;
  let subscriptionModel: Model<SubscriptionDocument>;
  let deliveries: DeliveriesRepository;
  let dispatcher: DeliveryDispatcher;
  let feed: FeedRepository;
  const ok = new WebhookReceiver(() => 200);
  const failing = new WebhookReceiver(() => 503);
  const hanging = new WebhookReceiver(() => 'hang');

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(mongoUrlFor(uniqueDatabase('webhooks_dispatch')))
      .asPromise();
    subscriptionModel = connection.model(SubscriptionDocument.name, SubscriptionSchema);
    const deliveryModel = connection.model(DeliveryDocument.name, DeliverySchema);
    const feedModel = connection.model(FeedEventDocument.name, FeedEventSchema);
    const counterModel = connection.model(FeedCounterDocument.name, FeedCounterSchema);
    await Promise.all(
      [subscriptionModel, deliveryModel, feedModel, counterModel].map((model) => model.init()),
    );
    deliveries = new DeliveriesRepository(deliveryModel);
    feed = new FeedRepository(feedModel, counterModel);
    await feed.ensureCounter();
    dispatcher = dispatcherWith({});
    await Promise.all([ok.start(), failing.start(), hanging.start()]);
  });

  function configWith(env: Record<string, string>) {
    return WebhooksEnv.parse({
      AMQP_URL: 'amqp://127.0.0.1',
      MONGO_URL: 'mongodb://127.0.0.1',
      WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
      WEBHOOK_TIMEOUT_MS: String(TIMEOUT_MS),
      WEBHOOK_RETRY_SCHEDULE_MS: '60000',
      ...env,
    });
  }

  function dispatcherWith(env: Record<string, string>): DeliveryDispatcher {
    const subscriptions = new SubscriptionsRepository(subscriptionModel);
    return new DeliveryDispatcher(
      configWith(env),
      deliveries,
      subscriptions,
      new LocalSubscriptions(subscriptions),
      new WebhookSender({ allowPrivate: true, timeoutMs: TIMEOUT_MS }),
    );
  }

  afterAll(async () => {
    await dispatcher?.stop(TIMEOUT_MS + 1_000);
    await Promise.all([ok.stop(), failing.stop(), hanging.stop()]);
    await connection?.dropDatabase();
    await connection?.close();
  });

  async function subscribe(receiver: WebhookReceiver, owner = 'host-1'): Promise<string> {
    const now = new Date();
    const id = randomUUID();
    await subscriptionModel.create({
      _id: id,
      ownerId: owner,
      audience: owner,
      url: receiver.url,
      events: ['booking.created'],
      description: null,
      active: true,
      secrets: [{ value: 'whsec_test', expiresAt: null }],
      version: 0,
      createdAt: now,
      updatedAt: now,
    });
    // As the service answers a change: once every replica's copy of the subscriptions has it.
    await new Promise((resolve) => setTimeout(resolve, CHANGE_SETTLE_MS));
    return id;
  }

  function newDeliveries(eventId: string, subscriptionIds: string[]) {
    const body = JSON.stringify({ id: eventId, type: 'booking.created', data: {} });
    return subscriptionIds.map((subscriptionId) => ({
      _id: `${subscriptionId}:${eventId}`,
      subscriptionId,
      eventId,
      type: 'booking.created',
      body,
    }));
  }

  const receivedOf = (receiver: WebhookReceiver, eventId: string) =>
    receiver.received.filter((delivery) => delivery.event?.id === eventId);

  it('stores the deliveries once, with the first answers: a success with one attempt, a 503 waiting for its retry', async () => {
    const [okId, failingId] = [await subscribe(ok), await subscribe(failing)];
    const eventId = randomUUID();
    await dispatcher.deliverNew(newDeliveries(eventId, [okId, failingId]));

    expect(receivedOf(ok, eventId)).toHaveLength(1);
    expect(receivedOf(failing, eventId)).toHaveLength(1);
    const succeeded = await deliveries.findById(`${okId}:${eventId}`);
    expect(succeeded).toMatchObject({ status: 'succeeded', attempts: 1, lastResponseStatus: 200 });
    expect(succeeded?.deliveredAt).toBeInstanceOf(Date);
    expect(succeeded?.dueBucket).toBeUndefined();
    const retrying = await deliveries.findById(`${failingId}:${eventId}`);
    expect(retrying).toMatchObject({ status: 'pending', attempts: 1, lastResponseStatus: 503 });
    expect(retrying!.nextAttemptAt!.getTime()).toBeGreaterThan(Date.now() + 30_000);
  });

  it('sends a retry when it falls due, without waiting for the recovery scan', async () => {
    const flaky = new WebhookReceiver(({ n }) => (n === 1 ? 503 : 200));
    await flaky.start();
    const own = dispatcherWith({
      WEBHOOK_RETRY_SCHEDULE_MS: '300',
      WEBHOOK_POLL_INTERVAL_MS: '600000',
    });
    own.start();
    try {
      const subscriptionId = await subscribe(flaky);
      const eventId = randomUUID();
      await own.deliverNew(newDeliveries(eventId, [subscriptionId]));
      await flaky.waitFor(() => receivedOf(flaky, eventId).length === 2, 5_000);
      await eventually(async () =>
        expect(await deliveries.findById(`${subscriptionId}:${eventId}`)).toMatchObject({
          status: 'succeeded',
          attempts: 2,
        }),
      );
    } finally {
      await own.stop(1_000);
      await flaky.stop();
    }
  });

  it('sends none of the deliveries already stored when the event comes back from the broker, and those not stored yet', async () => {
    const [firstId, secondId] = [await subscribe(ok), await subscribe(ok)];
    const eventId = randomUUID();
    await dispatcher.deliverNew(newDeliveries(eventId, [firstId]));
    expect(receivedOf(ok, eventId)).toHaveLength(1);

    // The replica died after storing the first delivery, before the event was acknowledged.
    await dispatcher.deliverNew(newDeliveries(eventId, [firstId, secondId]), { seenBefore: true });
    const received = receivedOf(ok, eventId).map((d) => d.headers['slotbook-delivery-id']);
    expect(received.sort()).toEqual([`${firstId}:${eventId}`, `${secondId}:${eventId}`].sort());
    expect(await deliveries.findById(`${secondId}:${eventId}`)).toMatchObject({
      status: 'succeeded',
      attempts: 1,
    });
  });

  it('does not wait for a receiver that hangs: its delivery is stored leased, and its outcome written when the attempt times out', async () => {
    const [okId, hangingId] = [await subscribe(ok), await subscribe(hanging)];
    const eventId = randomUUID();
    const started = Date.now();
    await dispatcher.deliverNew(newDeliveries(eventId, [okId, hangingId]));
    expect(Date.now() - started).toBeLessThan(TIMEOUT_MS);

    expect(await deliveries.findById(`${okId}:${eventId}`)).toMatchObject({ status: 'succeeded' });
    const leased = await deliveries.findById(`${hangingId}:${eventId}`);
    expect(leased).toMatchObject({ status: 'pending', attempts: 0, version: 0 });
    // leased until the attempt's timeout and a margin: no poller takes it meanwhile
    expect(leased!.nextAttemptAt!.getTime()).toBeGreaterThan(started + TIMEOUT_MS);

    await hanging.waitFor(() => receivedOf(hanging, eventId).length === 1);
    const deadline = Date.now() + TIMEOUT_MS + 5_000;
    let recorded = leased;
    while (recorded?.attempts === 0 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 200));
      recorded = await deliveries.findById(`${hangingId}:${eventId}`);
    }
    expect(recorded).toMatchObject({ status: 'pending', attempts: 1, version: 1 });
    expect(recorded?.lastError).toEqual(expect.stringMatching(/no answer within/));
  }, 20_000);

  it('gives a place freed by one subscription to another that waits with nothing in flight (WEBHOOK_CONCURRENCY reached)', async () => {
    const small = dispatcherWith({ WEBHOOK_CONCURRENCY: '2' });
    try {
      const [hangingId, okId] = [await subscribe(hanging), await subscribe(ok)];
      const [first, second, third] = [randomUUID(), randomUUID(), randomUUID()];
      // Both places go to a receiver that hangs until the attempts time out.
      const hung = [
        small.deliverNew(newDeliveries(first, [hangingId])),
        small.deliverNew(newDeliveries(second, [hangingId])),
      ];
      await hanging.waitFor(
        () => receivedOf(hanging, first).length + receivedOf(hanging, second).length === 2,
      );
      // No place left: the healthy subscription's delivery is stored and waits for one.
      await small.deliverNew(newDeliveries(third, [okId]));
      expect(receivedOf(ok, third)).toHaveLength(0);
      expect(await deliveries.findById(`${okId}:${third}`)).toMatchObject({ status: 'pending' });
      await Promise.all(hung);

      await ok.waitFor(() => receivedOf(ok, third).length === 1, TIMEOUT_MS + 5_000);
    } finally {
      await small.stop(TIMEOUT_MS + 1_000);
    }
  }, 20_000);

  /** A replica's intake of domain events, with a dispatcher of its own. */
  function replica(): { intake: EventIntakeService; dispatcher: DeliveryDispatcher } {
    const config = configWith({});
    const subscriptions = new SubscriptionsRepository(subscriptionModel);
    const own = dispatcherWith({});
    const service = new DeliveriesService(
      config,
      deliveries,
      own,
      new SubscriptionsService(config, subscriptions),
    );
    const intake = new EventIntakeService(
      feed,
      new FeedService(config, feed),
      new LocalSubscriptions(subscriptions),
      service,
    );
    return { intake, dispatcher: own };
  }

  it('delivers an event published twice once, even when two replicas take the copies at the same time', async () => {
    const replicas = [replica(), replica()];
    try {
      const subscriptionIds = [await subscribe(ok, 'host-dup'), await subscribe(ok, 'host-dup')];
      const events = Array.from({ length: 10 }, () => bookingCreated('host-dup'));
      // Both copies of each event at once, one to each replica, as the broker hands them over.
      await Promise.all(
        events.flatMap((event) =>
          replicas.map(({ intake }) => intake.take(event, { redelivered: false })),
        ),
      );
      // And a third copy later.
      await Promise.all(
        events.map((event) => replicas[0].intake.take(event, { redelivered: false })),
      );
      for (const event of events) {
        const receipts = receivedOf(ok, event.id).map((d) => d.headers['slotbook-delivery-id']);
        expect(receipts.sort()).toEqual(subscriptionIds.map((id) => `${id}:${event.id}`).sort());
      }

      // A copy redelivered (its replica died after storing one delivery of two): the other only.
      const event = { ...events[0], id: randomUUID() };
      await replicas[0].dispatcher.deliverNew(newDeliveries(event.id, [subscriptionIds[0]]));
      await feed.record([{ event, ownerId: 'host-dup' }]);
      await replicas[1].intake.take(event, { redelivered: true });
      const receipts = receivedOf(ok, event.id).map((d) => d.headers['slotbook-delivery-id']);
      expect(receipts.sort()).toEqual(subscriptionIds.map((id) => `${id}:${event.id}`).sort());
    } finally {
      await Promise.all(replicas.map(({ dispatcher: own }) => own.stop(1_000)));
    }
  });
});
