import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import type { PendingEvent } from '@slotbook/contracts';
import { randomUUID } from 'node:crypto';
import { EventPublisher, OutboxRelay, newEvent } from '@slotbook/messaging';
import { EventRecorder, mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import {
  MongoOutboxStore,
  compareAndSet,
  indexOutbox,
  initialOutbox,
  snapshotOf,
  type WithOutbox,
} from '../src';

/** The outbox against the real database and broker: nothing written is lost, order holds. */
const exchange = `test.outbox.${randomUUID().slice(0, 8)}`;

describe('outbox relay', () => {
  let connection: Connection;
  let model: Model<WithOutbox & { name?: string }>;
  let publisher: EventPublisher;
  let recorder: EventRecorder;
  /** Every command this connection sends, as the driver's command monitoring reports it. */
  const commands: CommandStartedEvent[] = [];
  const updatesOfThings = (from: number) =>
    commands.slice(from).filter((c) => c.commandName === 'update' && c.command.update === 'things');

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(mongoUrlFor(uniqueDatabase('outbox')), { monitorCommands: true })
      .asPromise();
    connection.getClient().on('commandStarted', (event) => commands.push(event));
    const schema = new Schema(
      {
        _id: { type: String, required: true },
        name: String,
        version: { type: Number, required: true },
        outbox: { type: [Schema.Types.Mixed], default: [] },
        outboxPending: { type: Boolean, required: true },
        outboxSince: { type: Date, default: null },
        outboxWriter: { type: String, default: null },
      },
      { versionKey: false },
    );
    indexOutbox(schema);
    model = connection.model<WithOutbox & { name?: string }>('Thing', schema);
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
    return new MongoOutboxStore(model as never);
  }

  function eventsOf(id: string, count: number, from = 0) {
    return Array.from({ length: count }, (_, i) =>
      newEvent(exchange, 'thing.changed', { id, step: from + i }, null),
    );
  }

  async function writeWithEvents(id: string, count: number): Promise<string[]> {
    const events = eventsOf(id, count);
    await model.create({ _id: id, name: 'x', ...initialOutbox(events) });
    return events.map((event) => event.id);
  }

  it('publishes every event with a confirm, in the order written, then empties the outbox', async () => {
    const id = randomUUID();
    const ids = await writeWithEvents(id, 5);
    const relay = new OutboxRelay(store(), publisher, {
      intervalMs: 50,
      graceMs: 0,
      batchSize: 10,
    });
    expect(await relay.pass()).toBe(5);
    await recorder.waitFor((all) => all.filter((e) => e.envelope.data.id === id).length === 5);
    expect(recorder.matching((e) => e.envelope.data.id === id).map((e) => e.envelope.id)).toEqual(
      ids,
    );
    expect((await model.findById(id).lean())!.outbox).toEqual([]);
  });

  it('keeps each event as its text, and relays the events of a record that holds them as objects', async () => {
    const id = randomUUID();
    const asText = eventsOf(id, 2);
    await model.create({ _id: id, name: 'x', ...initialOutbox(asText) });
    const written = (await model.findById(id).lean())!;
    expect(written.outbox.every((event) => typeof event === 'string')).toBe(true);
    const older = randomUUID();
    const asObjects = eventsOf(older, 2);
    // As records were written before events were kept as text.
    await model.collection.insertOne({
      _id: older,
      version: 1,
      outbox: asObjects,
      outboxPending: true,
      outboxSince: null,
      outboxWriter: null,
    } as never);
    const relay = new OutboxRelay(store(), publisher, {
      intervalMs: 50,
      graceMs: 0,
      batchSize: 10,
    });
    expect(await relay.pass()).toBe(4);
    for (const [record, events] of [
      [id, asText],
      [older, asObjects],
    ] as const) {
      await recorder.waitFor(
        (all) => all.filter((e) => e.envelope.data.id === record).length === 2,
      );
      const seen = recorder.matching((e) => e.envelope.data.id === record).map((e) => e.envelope);
      expect(seen).toMatchObject(
        events.map((event) => ({
          id: event.id,
          type: event.type,
          occurredAt: event.occurredAt.toISOString(),
          data: event.data,
        })),
      );
    }
    expect(await model.countDocuments({ _id: { $in: [id, older] }, outboxPending: true })).toBe(0);
  });

  it('a record whose events the broker does not confirm does not hold up the others in the batch', async () => {
    const broken = randomUUID();
    const fine = randomUUID();
    await writeWithEvents(broken, 1);
    const ids = await writeWithEvents(fine, 2);
    const real = store();
    // The broker refuses the broken record's event (as when it is away for that one publish).
    const refusing = {
      publish: (event: PendingEvent) =>
        event.data.id === broken
          ? Promise.reject(new Error('not confirmed'))
          : publisher.publish(event),
    } as EventPublisher;
    const relay = new OutboxRelay(
      {
        pending: async () => [(await real.read(broken))!, (await real.read(fine))!],
        relay: (records, publish) => real.relay(records, publish),
      },
      refusing,
      { intervalMs: 50, graceMs: 0, batchSize: 10 },
    );
    expect(await relay.pass()).toBe(2);
    await recorder.waitFor((all) => all.filter((e) => e.envelope.data.id === fine).length === 2);
    expect(recorder.matching((e) => e.envelope.data.id === fine).map((e) => e.envelope.id)).toEqual(
      ids,
    );
    expect((await model.findById(broken).lean())!).toMatchObject({ outboxPending: true });
    expect((await model.findById(fine).lean())!).toMatchObject({
      outbox: [],
      outboxPending: false,
    });
  });

  it('with two relays racing, every event arrives and each record keeps its order', async () => {
    const records = Array.from({ length: 10 }, () => randomUUID());
    const written = new Map<string, string[]>();
    for (const id of records) written.set(id, await writeWithEvents(id, 3));
    const shared = store();
    const relays = [1, 2].map(
      () => new OutboxRelay(shared, publisher, { intervalMs: 20, graceMs: 0, batchSize: 4 }),
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
    expect(await model.countDocuments({ outboxPending: true })).toBe(0);
  });

  it('an event written while the relay publishes is neither lost nor reordered', async () => {
    const id = randomUUID();
    const first = await writeWithEvents(id, 1);
    const later = eventsOf(id, 1, 1);
    const real = store();
    // The writer changes the record between the relay's read and its removal of what it sent.
    const racing = new OutboxRelay(
      {
        pending: () => real.pending(10),
        relay: (records, publish) =>
          real.relay(records, async (record, events) => {
            const sent = await publish(record, events);
            const current = (await model.findById(record.recordId).lean())!;
            if (current.outbox.length === 1) {
              expect(await compareAndSet(model as never, current, {}, later)).not.toBeNull();
            }
            return sent;
          }),
      },
      publisher,
      { intervalMs: 50, graceMs: 0, batchSize: 10 },
    );
    expect(await racing.pass()).toBe(2);
    const all = [...first, later[0]!.id];
    await recorder.waitFor((events) => events.filter((e) => e.envelope.data.id === id).length >= 2);
    const seen = recorder.matching((e) => e.envelope.data.id === id).map((e) => e.envelope.id);
    expect(seen.filter((eventId, index) => seen.indexOf(eventId) === index)).toEqual(all);
    const after = (await model.findById(id).lean())!;
    expect(after.outbox).toEqual([]);
    expect(after.outboxPending).toBe(false);
  });

  it('a compare-and-set on a stale version changes nothing and adds no event', async () => {
    const id = randomUUID();
    await writeWithEvents(id, 0);
    const read = (await model.findById(id).lean())!;
    const winner = await compareAndSet(
      model as never,
      read,
      { name: 'first' } as never,
      eventsOf(id, 1),
    );
    const loser = await compareAndSet(
      model as never,
      read,
      { name: 'second' } as never,
      eventsOf(id, 1),
    );
    expect(winner).toMatchObject({ name: 'first', version: read.version + 1 });
    expect(loser).toBeNull();
    const stored = (await model.findById(id).lean())!;
    expect(stored).toMatchObject({ name: 'first', outboxPending: true });
    expect(stored.outbox).toHaveLength(1);
  });

  it('keeps events when the broker does not confirm, and publishes them on a later pass', async () => {
    const id = randomUUID();
    await writeWithEvents(id, 1);
    const unreachable = new EventPublisher('amqp://guest:guest@127.0.0.1:1', [exchange]);
    const failing = new OutboxRelay(store(), unreachable, {
      intervalMs: 50,
      graceMs: 0,
      batchSize: 10,
    });
    const published = await failing.pass();
    await unreachable.close();
    expect(published).toBe(0);
    expect((await model.findById(id).lean())!.outbox).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 5));
    const working = new OutboxRelay(store(), publisher, {
      intervalMs: 50,
      graceMs: 0,
      batchSize: 10,
    });
    expect(await working.pass()).toBeGreaterThanOrEqual(1);
    await recorder.waitFor((all) => all.some((e) => e.envelope.data.id === id));
  });

  it('relays what writers hand over at once, without looking for it, a burst of them included', async () => {
    const real = store();
    let looked = 0;
    const relay = new OutboxRelay(
      {
        pending: (limit, filter) => ((looked += 1), real.pending(limit, filter)),
        relay: (r, p) => real.relay(r, p),
      },
      publisher,
      { intervalMs: 60_000, batchSize: 10 },
    );
    const records = Array.from({ length: 300 }, () => randomUUID());
    const written = new Map<string, string[]>();
    const from = commands.length;
    await Promise.all(
      records.map(async (id) => {
        const events = eventsOf(id, 2);
        await model.create({ _id: id, name: 'x', ...initialOutbox(events) });
        written.set(
          id,
          events.map((event) => event.id),
        );
        relay.kick({ recordId: id, version: 1, events });
      }),
    );
    await recorder.waitFor(
      (all) => records.every((id) => all.filter((e) => e.envelope.data.id === id).length >= 2),
      20_000,
    );
    await relay.stop();
    expect(looked).toBe(0);
    // Cleared in batches: one update command for many records, never one per record.
    const updates = updatesOfThings(from);
    expect(updates.flatMap((c) => c.command.updates as unknown[])).toHaveLength(300);
    expect(updates.length).toBeLessThan(300 / 5);
    for (const id of records) {
      const seen = recorder.matching((e) => e.envelope.data.id === id).map((e) => e.envelope.id);
      expect(seen).toEqual(written.get(id));
    }
    expect(await model.countDocuments({ _id: { $in: records }, outboxPending: true })).toBe(0);
  });

  it('a newer snapshot of a record handed over while it is relayed goes out after, nothing twice', async () => {
    const id = randomUUID();
    const first = eventsOf(id, 1);
    await model.create({ _id: id, name: 'x', ...initialOutbox(first) });
    const relay = new OutboxRelay(store(), publisher, { intervalMs: 60_000, batchSize: 10 });
    relay.kick({ recordId: id, version: 1, events: first });
    const read = (await model.findById(id).lean())!;
    const later = eventsOf(id, 1, 1);
    const changed = (await compareAndSet(model as never, read, {}, later))!;
    relay.kick(snapshotOf(changed));
    await recorder.waitFor((all) => all.filter((e) => e.envelope.data.id === id).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await relay.stop();
    const seen = recorder.matching((e) => e.envelope.data.id === id).map((e) => e.envelope.id);
    expect(seen).toEqual([first[0]!.id, later[0]!.id]);
    expect((await model.findById(id).lean())!).toMatchObject({ outbox: [], outboxPending: false });
  });

  it('a record handed over by its writer while a timed pass relays it goes out once', async () => {
    const id = randomUUID();
    const events = eventsOf(id, 2);
    await model.create({ _id: id, name: 'x', ...initialOutbox(events) });
    const real = store();
    // Every relay waits at the door of the broker until it is opened.
    let open!: () => void;
    const door = new Promise<void>((resolve) => (open = resolve));
    let relays = 0;
    const relay = new OutboxRelay(
      {
        pending: (limit) => real.pending(limit),
        relay: (records, publish) => (
          (relays += 1),
          real.relay(records, async (record, toPublish) => {
            await door;
            return publish(record, toPublish);
          })
        ),
      },
      publisher,
      { intervalMs: 60_000, batchSize: 10 },
    );
    const pass = relay.pass();
    while (relays === 0) await new Promise((resolve) => setTimeout(resolve, 10));
    // The writer hands the same record over while the pass is relaying it.
    relay.kick({ recordId: id, version: 1, events });
    await new Promise((resolve) => setTimeout(resolve, 100));
    open();
    await pass;
    await recorder.waitFor((all) => all.filter((e) => e.envelope.data.id === id).length >= 2);
    await new Promise((resolve) => setTimeout(resolve, 300));
    await relay.stop();
    const seen = recorder.matching((e) => e.envelope.data.id === id).map((e) => e.envelope.id);
    expect(seen).toEqual(events.map((event) => event.id));
    expect((await model.findById(id).lean())!).toMatchObject({ outbox: [], outboxPending: false });
  });

  it('the recovery scan leaves events younger than its grace to their writer, and takes older ones', async () => {
    const young = randomUUID();
    await writeWithEvents(young, 1);
    const old = randomUUID();
    // Written before the relay knew the time of a write: as old as can be.
    await model.create({
      _id: old,
      name: 'x',
      ...initialOutbox(eventsOf(old, 1)),
      outboxSince: null,
    });
    const scanning = new OutboxRelay(store(), publisher, {
      intervalMs: 60_000,
      graceMs: 5_000,
      batchSize: 1_000,
    });
    await scanning.pass();
    await recorder.waitFor((all) => all.some((e) => e.envelope.data.id === old));
    expect((await model.findById(old).lean())!).toMatchObject({ outbox: [], outboxPending: false });
    expect((await model.findById(young).lean())!).toMatchObject({ outboxPending: true });
    expect(recorder.matching((e) => e.envelope.data.id === young)).toHaveLength(0);
  });

  it("a writer's nudge without a snapshot relays this process's own writes, not another replica's", async () => {
    const mine = randomUUID();
    const theirs = randomUUID();
    await writeWithEvents(mine, 1);
    await model.create({
      _id: theirs,
      name: 'x',
      ...initialOutbox(eventsOf(theirs, 1)),
      outboxWriter: 'another replica',
    });
    const relay = new OutboxRelay(store(), publisher, { intervalMs: 60_000, batchSize: 1_000 });
    relay.kick();
    await recorder.waitFor((all) => all.some((e) => e.envelope.data.id === mine));
    await relay.stop();
    expect((await model.findById(mine).lean())!).toMatchObject({
      outbox: [],
      outboxPending: false,
    });
    expect((await model.findById(theirs).lean())!).toMatchObject({ outboxPending: true });
    expect(recorder.matching((e) => e.envelope.data.id === theirs)).toHaveLength(0);
  });
});
