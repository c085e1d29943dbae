import amqplib from 'amqplib';
import mongoose, { type Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import {
  BOOKING_EXCHANGE,
  BOOKING_QUEUE,
  BookingCommand,
  BookingEvent,
  CreateBooking,
  Headers,
  type Actor,
  type Booking,
  type Reply,
} from '@slotbook/contracts';
import { CommandBus, commandQueueName } from '@slotbook/messaging';
import {
  ApiClient,
  EventRecorder,
  Platform,
  hostWithRange,
  infra,
  mongoUrlFor,
  slotAt,
  uniqueEmail,
  type HostFixture,
} from '@slotbook/testing';
import { occupiedKeys } from '@slotbook/booking/storage';

/**
 * Issue 8, item 11: a CreateBooking that runs more than once (redelivered by the broker after
 * a replica died or lost its connection, or sent again by the gateway after a broker drop)
 * answers the caller's own booking, never a 409 for it, and books the slot once.
 *
 * The commands go straight onto the bus, as the gateway sends them, so that a second run of
 * one command (same `commandId`) can be made at will.
 */

/**
 * Sends a command as the gateway does when it sends it again after losing the answer
 * (`x-attempt: 2`), and answers the handler's reply.
 */
async function sendAgain<T>(pattern: string, data: unknown): Promise<Reply<T>> {
  const connection = await amqplib.connect(infra.amqpUrl);
  try {
    const channel = await connection.createChannel();
    const answer = new Promise<Reply<T>>((resolve) => {
      void channel.consume(
        'amq.rabbitmq.reply-to',
        (message) => {
          const body = message && JSON.parse(message.content.toString());
          if (body?.response) resolve(body.response as Reply<T>);
        },
        { noAck: true },
      );
    });
    channel.sendToQueue(
      commandQueueName(BOOKING_QUEUE),
      Buffer.from(JSON.stringify({ pattern, data, id: randomUUID() })),
      {
        replyTo: 'amq.rabbitmq.reply-to',
        correlationId: randomUUID(),
        persistent: true,
        headers: { [Headers.Attempt]: '2', [Headers.Deadline]: String(Date.now() + 5_000) },
      },
    );
    return await answer;
  } finally {
    await connection.close();
  }
}
describe('CreateBooking run more than once', () => {
  let platform: Platform;
  let api: ApiClient;
  let bus: CommandBus;
  let db: Connection;
  let recorder: EventRecorder;
  let guest: { actor: Actor; token: string };

  beforeAll(async () => {
    platform = await new Platform({ replicas: { booking: 2 } }).start();
    api = new ApiClient(platform.gatewayUrl);
    bus = new CommandBus({ amqpUrl: infra.amqpUrl, timeoutMs: 5_000 });
    db = await mongoose.createConnection(mongoUrlFor(platform.databases.booking)).asPromise();
    recorder = await new EventRecorder().start([{ exchange: BOOKING_EXCHANGE }]);
    const signed = await api.signUp({ email: uniqueEmail('again') });
    guest = { actor: { id: signed.user.id, role: 'USER' }, token: signed.accessToken };
  });

  afterAll(async () => {
    await recorder?.stop();
    await bus?.close();
    await db?.close();
    await platform?.stop();
  });

  function create(host: HostFixture, slot: number, commandId: string): Promise<Booking> {
    return bus.send(CreateBooking, {
      hostId: host.hostId,
      startTime: slotAt(host, slot),
      actor: guest.actor,
      commandId,
    });
  }

  /** The bookings at the slot, and the holds of its time (one head document per hold). */
  async function stateOf(host: HostFixture, slot: number) {
    const startTime = new Date(slotAt(host, slot));
    const hostMonth = `${host.hostId}|${startTime.toISOString().slice(0, 7)}`;
    const [bookings, holds] = await Promise.all([
      db.collection('bookings').find({ hostId: host.hostId, startTime }).toArray(),
      db.collection('held_time').find({ hostMonth, startTime }).toArray(),
    ]);
    return { bookings: bookings.map((b) => b._id), holds: holds.length };
  }

  /** The distinct booking.created events of a booking (delivery is at least once). */
  function createdEventsOf(bookingId: string): number {
    const events = recorder.matching(
      (event) =>
        event.routingKey === BookingEvent.BookingCreated && event.envelope.data.id === bookingId,
    );
    return new Set(events.map((event) => event.envelope.id)).size;
  }

  it('run twice, one after the other: the same booking both times, one hold, one booking.created', async () => {
    const host = await hostWithRange(api, { slots: 2 });
    const commandId = randomUUID();
    const first = await create(host, 0, commandId);
    const second = await create(host, 0, commandId);
    expect(first).toMatchObject({ id: commandId, status: 'confirmed' });
    expect(second).toEqual(first);
    expect(await stateOf(host, 0)).toEqual({ bookings: [commandId], holds: 1 });
    await recorder.waitFor(() => createdEventsOf(commandId) >= 1);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(createdEventsOf(commandId)).toBe(1);
  });

  it('sent again while the first run is still under way, on another replica: both answer the same booking, over several slots', async () => {
    const host = await hostWithRange(api, { slots: 8 });
    for (let slot = 0; slot < 8; slot += 1) {
      const commandId = randomUUID();
      const payload = {
        hostId: host.hostId,
        startTime: slotAt(host, slot),
        actor: guest.actor,
        commandId,
      };
      const [first, again] = await Promise.all([
        create(host, slot, commandId),
        sendAgain<Booking>(BookingCommand.CreateBooking, payload),
      ]);
      expect(again).toEqual({ ok: true, data: first });
      expect(first.id).toBe(commandId);
      expect(await stateOf(host, slot)).toEqual({ bookings: [commandId], holds: 1 });
    }
  });

  it('after a first run that died holding its time: the next run books the slot instead of 409', async () => {
    const host = await hostWithRange(api, { slots: 1 });
    const commandId = randomUUID();
    const startTime = new Date(slotAt(host, 0));
    const endTime = new Date(slotAt(host, 1));
    // What a replica killed right after holding the slot's time leaves behind.
    const heldAt = new Date();
    const keys = occupiedKeys(host.hostId, { start: startTime.getTime(), end: endTime.getTime() });
    await db.collection('held_time').insertMany([
      ...keys.map((key) => ({ _id: key, bookingId: commandId, heldAt })),
      {
        _id: `${commandId}@${startTime.getTime()}`,
        bookingId: commandId,
        heldAt,
        hostMonth: `${host.hostId}|${startTime.toISOString().slice(0, 7)}`,
        startTime,
        endTime,
        occupiedFrom: startTime,
        occupiedUntil: endTime,
        eventTypeId: null,
      },
    ] as never[]);
    const booked = await create(host, 0, commandId);
    expect(booked).toMatchObject({ id: commandId, status: 'confirmed' });
    expect(await stateOf(host, 0)).toEqual({ bookings: [commandId], holds: 1 });
    expect(await db.collection('held_time').countDocuments({ bookingId: commandId })).toBe(
      keys.length + 1,
    );
    // Somebody else's command for that slot is still refused.
    await expect(create(host, 0, randomUUID())).rejects.toMatchObject({ code: 'SLOT_TAKEN' });
  });

  it('run again after the booking was cancelled: answers the cancelled booking and leaves the slot free', async () => {
    const host = await hostWithRange(api, { slots: 1 });
    const commandId = randomUUID();
    await create(host, 0, commandId);
    const cancelled = await api.post(`/bookings/${commandId}/cancel`, {
      token: guest.token,
      body: {},
    });
    expect(cancelled.status).toBe(200);
    const again = await create(host, 0, commandId);
    expect(again).toMatchObject({ id: commandId, status: 'cancelled' });
    expect(await stateOf(host, 0)).toEqual({ bookings: [commandId], holds: 0 });
    const other = await api.signUp({ email: uniqueEmail('next') });
    const next = await api.post('/bookings', {
      token: other.accessToken,
      body: { hostId: host.hostId, startTime: slotAt(host, 0) },
    });
    expect(next.status).toBe(201);
  });
});
