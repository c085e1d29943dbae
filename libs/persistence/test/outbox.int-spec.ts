import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { EventPublisher, OutboxRelay, newEvent } from '@slotbook/messaging';
import { EventRecorder, mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { MongoOutboxStore, PendingEventSchema, RecordMutex, type WithOutbox } from '../src';

/** The outbox against the real database and broker: nothing written is lost, order holds. */
const exchange = `test.outbox.${randomUUID().slice(0, 8)}`;

describe('outbox relay', () => {
  let connection: Connection;
  let model: Model<WithOutbox & { name?: string }>;
  let publisher: EventPublisher;
  let recorder: EventRecorder;

  beforeAll(async () => {
    connection = await mongoose.createConnection(mongoUrlFor(uniqueDatabase('outbox'))).asPromise();
    model = connection.model<WithOutbox & { name?: string }>(
      'Thing',
      new Schema(
        {
          _id: { type: String, required: true },
          name: String,
          outbox: { type: [PendingEventSchema], default: [] },
        },
        { versionKey: false },
      ),
    );
    await model.init();
    publisher = new EventPublisher(process.env.AMQP_URL!, [exchange]);
    recorder = await new EventRecorder().start([{ exchange }]);
  });

  afterAll(async () => {
    await recorder?.stop();
    await publisher?.close();
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  function store(): MongoOutboxStore {
    return new MongoOutboxStore(model as never, RecordMutex.forConnection(connection));
  }

  async function writeWithEvents(id: string, count: number): Promise<string[]> {
    const events = Array.from({ length: count }, (_, i) =>
      newEvent(exchange, 'thing.changed', { id, step: i }, null),
    );
    await store().markPending(id);
    await model.create({ _id: id, name: 'x', outbox: events });
    return events.map((event) => event.id);
  }

  it('publishes every event with a confirm, in the order written, then empties the outbox', async () => {
    const id = randomUUID();
    const ids = await writeWithEvents(id, 5);
    const relay = new OutboxRelay(store(), publisher, {
      intervalMs: 50,
      batchSize: 10,
      leaseMs: 5_000,
    });
    expect(await relay.pass()).toBe(5);
    await recorder.waitFor((all) => all.filter((e) => e.envelope.data.id === id).length === 5);
    expect(recorder.matching((e) => e.envelope.data.id === id).map((e) => e.envelope.id)).toEqual(
      ids,
    );
    expect((await model.findById(id).lean())!.outbox).toEqual([]);
  });

  it('a record that cannot be relayed does not hold up the others in the pass', async () => {
    const broken = randomUUID();
    const fine = randomUUID();
    await writeWithEvents(broken, 1);
    const ids = await writeWithEvents(fine, 2);
    const real = store();
    const relay = new OutboxRelay(
      {
        pending: async () => [broken, fine],
        relay: (recordId, leaseMs, publish) =>
          recordId === broken
            ? Promise.reject(new Error('the record cannot be read'))
            : real.relay(recordId, leaseMs, publish),
      },
      publisher,
      { intervalMs: 50, batchSize: 10, leaseMs: 5_000 },
    );
    expect(await relay.pass()).toBe(2);
    await recorder.waitFor((all) => all.filter((e) => e.envelope.data.id === fine).length === 2);
    expect(recorder.matching((e) => e.envelope.data.id === fine).map((e) => e.envelope.id)).toEqual(
      ids,
    );
  });

  it('with two relays racing, every event arrives and each record keeps its order', async () => {
    const records = Array.from({ length: 10 }, () => randomUUID());
    const written = new Map<string, string[]>();
    for (const id of records) written.set(id, await writeWithEvents(id, 3));
    const shared = store();
    const relays = [1, 2].map(
      () => new OutboxRelay(shared, publisher, { intervalMs: 20, batchSize: 4, leaseMs: 5_000 }),
    );
    relays.forEach((relay) => relay.start());
    await recorder.waitFor(
      (all) =>
        records.every(
          (id) =>
            new Set(all.filter((e) => e.envelope.data.id === id).map((e) => e.envelope.id)).size ===
            3,
        ),
      15_000,
    );
    await Promise.all(relays.map((relay) => relay.stop()));
    for (const id of records) {
      const seen = recorder.matching((e) => e.envelope.data.id === id).map((e) => e.envelope.id);
      const firstSeen = seen.filter((eventId, index) => seen.indexOf(eventId) === index);
      expect(firstSeen).toEqual(written.get(id));
    }
    expect(await model.countDocuments({ 'outbox.0': { $exists: true } })).toBe(0);
    expect(await connection.collection('things_outbox_pending').countDocuments({})).toBe(0);
  });

  it('keeps events when the broker does not confirm, and publishes them on a later pass', async () => {
    const id = randomUUID();
    await writeWithEvents(id, 1);
    const unreachable = new EventPublisher('amqp://guest:guest@127.0.0.1:1', [exchange]);
    const failing = new OutboxRelay(store(), unreachable, {
      intervalMs: 50,
      batchSize: 10,
      leaseMs: 1,
    });
    const published = await failing.pass();
    await unreachable.close();
    expect(published).toBe(0);
    expect((await model.findById(id).lean())!.outbox).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const working = new OutboxRelay(store(), publisher, {
      intervalMs: 50,
      batchSize: 10,
      leaseMs: 5_000,
    });
    expect(await working.pass()).toBeGreaterThanOrEqual(1);
    await recorder.waitFor((all) => all.some((e) => e.envelope.data.id === id));
  });
});
