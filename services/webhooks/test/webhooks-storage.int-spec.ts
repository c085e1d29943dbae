import mongoose, { type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { DeliveriesRepository } from '../src/deliveries/deliveries.repository';
import { dayOf, dueBucketOf, newDelivery } from '../src/deliveries/delivery-rules';
import { DeliveryDocument, DeliverySchema } from '../src/deliveries/delivery.schema';
import {
  FeedCounterDocument,
  FeedCounterSchema,
  FeedEventDocument,
  FeedEventSchema,
} from '../src/feed/feed-event.schema';
import { FeedRepository } from '../src/feed/feed.repository';
import { FeedService } from '../src/feed/feed.service';
import { bookingCreated } from './events';
import type { WebhooksConfig } from '../src/config';

/**
 * The webhooks service's storage against the real database (devdb in CI): what its guarantees
 * rest on, with competing writers and no transactions.
 */
describe('webhooks storage', () => {
  let connection: Connection;
  let deliveryModel: Model<DeliveryDocument>;
  let feedModel: Model<FeedEventDocument>;
  let deliveries: DeliveriesRepository;
  let feed: FeedRepository;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(mongoUrlFor(uniqueDatabase('webhooks_storage')), { monitorCommands: true })
      .asPromise();
    deliveryModel = connection.model(DeliveryDocument.name, DeliverySchema);
    feedModel = connection.model(FeedEventDocument.name, FeedEventSchema);
    const counterModel = connection.model(FeedCounterDocument.name, FeedCounterSchema);
    await Promise.all([deliveryModel.init(), feedModel.init(), counterModel.init()]);
    deliveries = new DeliveriesRepository(deliveryModel);
    feed = new FeedRepository(feedModel, counterModel);
    await feed.ensureCounter();
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  function delivery(id = randomUUID()): DeliveryDocument {
    const fields = {
      _id: id,
      subscriptionId: 'sub-1',
      eventId: randomUUID(),
      type: 'booking.created',
      body: '{}',
    };
    return newDelivery(fields, new Date(), 60_000);
  }

  const envelope = () => bookingCreated('host-1');

  it('inserts an event’s deliveries once, however often it is fanned out', async () => {
    const first = delivery();
    expect(await deliveries.insertAll([first])).toEqual([true]);
    const second = delivery();
    expect(await deliveries.insertAll([{ ...first }, second])).toEqual([false, true]);
    expect(await deliveryModel.countDocuments({ _id: { $in: [first._id, second._id] } })).toBe(2);
  });

  it('lets exactly one of many competing replicas claim a due delivery', async () => {
    for (let round = 0; round < 10; round += 1) {
      const due = delivery();
      await deliveries.insertAll([due]);
      const seen = (await deliveries.inBucket(due.dueBucket as number)).find(
        (d) => d._id === due._id,
      );
      expect(seen).toBeDefined();
      const leaseEnd = new Date(Date.now() + 15_000);
      const claims = await Promise.all(
        Array.from({ length: 8 }, () => deliveries.claim(seen!, leaseEnd)),
      );
      const winners = claims.filter((claim) => claim !== null);
      expect(winners).toHaveLength(1);
      // The claim moved it to the end of its lease: no longer in the bucket it was due in.
      expect(winners[0]).toMatchObject({ version: 1, dueBucket: dueBucketOf(leaseEnd) });
    }
  });

  it('never resends a delivery recorded as succeeded: it leaves the due buckets', async () => {
    const due = delivery();
    await deliveries.insertAll([due]);
    const claimed = await deliveries.claim(due, new Date(Date.now() + 15_000));
    expect(claimed).not.toBeNull();
    expect(
      await deliveries.recordAttempt(claimed!, {
        status: 'succeeded',
        nextAttemptAt: null,
        lastResponseStatus: 200,
        lastError: null,
        lastResponseBody: 'ok',
        deliveredAt: new Date(),
        attempted: true,
      }),
    ).toBe(true);
    const stored = await deliveries.findById(due._id);
    expect(stored).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(stored?.dueBucket).toBeUndefined();
    // A stale holder of the old version can no longer write.
    expect(await deliveries.claim(due, new Date())).toBeNull();
  });

  it('records an event in the feed once, whatever the redeliveries and competing writers', async () => {
    const event = envelope();
    const results = await Promise.all(
      Array.from({ length: 4 }, () => feed.record([{ event, ownerId: 'host-1' }])),
    );
    expect(await feedModel.countDocuments({ _id: event.id })).toBe(1);
    expect(results.filter((result) => result.recordedNow[0])).toHaveLength(1);
    // Every position taken is written: the event's, or a placeholder closing a copy's.
    const positions = results.flatMap((result) => result.written);
    expect(await feedModel.countDocuments({ seq: { $in: positions } })).toBe(positions.length);
  });

  it('records a batch in one counter write and one insert, a copy within it once', async () => {
    const events = Array.from({ length: 20 }, envelope);
    const commands: string[] = [];
    const client = connection.getClient();
    const listen = (event: { commandName: string }) => commands.push(event.commandName);
    client.on('commandStarted', listen);
    let result: Awaited<ReturnType<FeedRepository['record']>>;
    try {
      result = await feed.record(events.map((event) => ({ event, ownerId: 'host-batch' })));
    } finally {
      client.off('commandStarted', listen);
    }
    expect(result.recordedNow).toEqual(events.map(() => true));
    expect(commands.filter((name) => name !== 'hello' && name !== 'isMaster')).toEqual([
      'findAndModify',
      'insert',
    ]);
    // The batch's positions follow one another, in the order the events arrived.
    const stored = await feedModel.find({ _id: { $in: events.map((e) => e.id) } }).lean();
    const seqOf = new Map(stored.map((doc) => [doc._id, doc.seq]));
    const seqs = events.map((event) => seqOf.get(event.id) as number);
    expect(seqs).toEqual(seqs.map((_, i) => seqs[0]! + i));
    expect(result.written).toEqual(seqs);

    // A batch holding a copy of an event recorded before, and two copies of a new one.
    const fresh = envelope();
    const again = await feed.record(
      [events[0]!, fresh, fresh].map((event) => ({ event, ownerId: 'host-batch' })),
    );
    expect(again.recordedNow).toEqual([false, true, false]);
    expect(await feedModel.countDocuments({ _id: { $in: [events[0]!.id, fresh.id] } })).toBe(2);
    expect(await feedModel.countDocuments({ seq: { $in: again.written } })).toBe(3);
  });

  it('lists a batch as soon as its writer wrote it, with no pass in between', async () => {
    const service = new FeedService(
      { FEED_HOLE_TIMEOUT_MS: 1_000, FEED_RETENTION_DAYS: 30 } as WebhooksConfig,
      feed,
    );
    await service.settle(); // whatever earlier specs left open
    const events = Array.from({ length: 5 }, () => bookingCreated('host-listed'));
    const { written } = await feed.record(
      events.map((event) => ({ event, ownerId: 'host-listed' })),
    );
    await service.written(written);
    const state = await feed.state();
    expect(state.settled).toBe(state.reserved);
    const page = await service.read({ id: 'host-listed', role: 'HOST' }, { limit: 10 });
    expect(page.data.map((e) => e.id)).toEqual(events.map((e) => e.id));
    service.stop();
  });

  it('settles the feed over every position, closing one nobody wrote after the timeout', async () => {
    const service = new FeedService(
      { FEED_HOLE_TIMEOUT_MS: 1_000, FEED_RETENTION_DAYS: 30 } as WebhooksConfig,
      feed,
    );
    const events = Array.from({ length: 30 }, envelope);
    await feed.record(events.map((event) => ({ event, ownerId: 'host-2' })));
    // A writer that took a position and died before writing it.
    await connection
      .collection('feed_counters')
      .updateOne({ _id: 'feed' as never }, { $inc: { reserved: 1 } });
    const stalled = envelope();
    await feed.record([{ event: stalled, ownerId: 'host-2' }]);
    await service.settle();
    const before = await feed.state();
    expect(before.settled).toBe(before.reserved - 2);
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    await service.settle();
    const after = await feed.state();
    expect(after.settled).toBe(after.reserved);
    const page = await service.read({ id: 'host-2', role: 'HOST' }, { limit: 100 });
    expect(page.data.map((e) => e.id)).toEqual(
      expect.arrayContaining([...events.map((e) => e.id), stalled.id]),
    );
    expect(page.data).toHaveLength(31);
  });

  it('keeps an envelope as its text, and reads one recorded as an object the same', async () => {
    const service = new FeedService(
      { FEED_HOLE_TIMEOUT_MS: 1_000, FEED_RETENTION_DAYS: 30 } as WebhooksConfig,
      feed,
    );
    const [asText, asObject] = [bookingCreated('host-text'), bookingCreated('host-text')];
    await feed.record([asText, asObject].map((event) => ({ event, ownerId: 'host-text' })));
    expect(typeof (await feedModel.findById(asText.id).lean())?.envelope).toBe('string');
    // As events were recorded before envelopes were kept as text.
    await feedModel.collection.updateOne({ _id: asObject.id } as never, {
      $set: { envelope: asObject },
    });
    await service.settle();
    const page = await service.read({ id: 'host-text', role: 'HOST' }, { limit: 10 });
    expect(page.data).toEqual([asText, asObject]);
  });

  it('prunes the feed and the finished deliveries older than the retention, and keeps the rest', async () => {
    const DAY = 86_400_000;
    const now = new Date();
    const service = new FeedService(
      { FEED_HOLE_TIMEOUT_MS: 1_000, FEED_RETENTION_DAYS: 30 } as WebhooksConfig,
      feed,
    );
    const old = Array.from({ length: 3 }, envelope);
    const kept = Array.from({ length: 3 }, envelope);
    const entries = (events: typeof old) =>
      events.map((event) => ({ event, ownerId: 'host-prune' }));
    await feed.record(entries(old), new Date(now.getTime() - 32 * DAY));
    await feed.record(entries(kept), new Date(now.getTime() - 29 * DAY));
    await service.settle();
    const reader = { id: 'host-prune', role: 'HOST' as const };
    const before = await service.read(reader, { limit: 100 });
    expect(before.data.map((e) => e.id)).toEqual([...old, ...kept].map((e) => e.id));

    // a reader that had stopped inside what is about to be pruned
    const cursorInPruned = (await service.read(reader, { limit: 2 })).nextCursor;

    await service.prune(now);
    const after = await service.read(reader, { limit: 100 });
    expect(after.data.map((e) => e.id)).toEqual(kept.map((e) => e.id));
    // goes on from there, past what is gone
    const resumed = await service.read(reader, { limit: 100, after: cursorInPruned });
    expect(resumed.data.map((e) => e.id)).toEqual(kept.map((e) => e.id));

    const oldDay = dayOf(new Date(now.getTime() - 32 * DAY));
    const ofOldDay = (status: DeliveryDocument['status']) => ({
      ...delivery(),
      status,
      createdDay: oldDay,
    });
    const [succeeded, failed, pending] = [
      ofOldDay('succeeded'),
      ofOldDay('failed'),
      ofOldDay('pending'),
    ];
    const recent = { ...delivery(), status: 'succeeded' as const };
    await deliveries.insertAll([succeeded, failed, pending, recent]);
    expect(await deliveries.deleteFinishedOfDay(oldDay)).toBe(2);
    expect(await deliveries.findById(succeeded._id)).toBeNull();
    expect(await deliveries.findById(failed._id)).toBeNull();
    // one still being retried stays, whatever its age; so does a recent one
    expect(await deliveries.findById(pending._id)).not.toBeNull();
    expect(await deliveries.findById(recent._id)).not.toBeNull();
  });
});
