import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import {
  BOOKING_EXCHANGE,
  BookingEvent,
  ConfirmBooking,
  CreateBooking,
  RescheduleBooking,
  type Actor,
  type Booking,
  type CommandDefinition,
} from '@slotbook/contracts';
import { CommandBus } from '@slotbook/messaging';
import {
  ApiClient,
  EventRecorder,
  Platform,
  eventually,
  hostWithRange,
  infra,
  slotAt,
  uniqueEmail,
  type ServiceProcess,
} from '@slotbook/testing';

/**
 * Issue 16: a booking command whose replica is killed after its write and before its answer
 * runs again on the other replica (the broker redelivers it), and that run answers what the
 * first one did: never 409 "cannot be confirmed", 422 "already at this time", or 409 "still in
 * progress" for the caller's own write. Each replica stalls after a write
 * (TEST_STALL_AFTER_WRITE_MS), which is where the kill lands.
 */
const STALL_MS = 2_500;

describe('a booking command re-run after its replica was killed mid-answer', () => {
  let platform: Platform;
  let api: ApiClient;
  let bus: CommandBus;
  let recorder: EventRecorder;
  let guest: { actor: Actor; token: string };
  let host: { actor: Actor; token: string };

  beforeAll(async () => {
    platform = await new Platform({
      replicas: { booking: 2 },
      env: { booking: { TEST_STALL_AFTER_WRITE_MS: String(STALL_MS) } },
    }).start();
    api = new ApiClient(platform.gatewayUrl);
    bus = new CommandBus({ amqpUrl: infra.amqpUrl, timeoutMs: 30_000 });
    recorder = await new EventRecorder().start([{ exchange: BOOKING_EXCHANGE }]);
    const signed = await api.signUp({ email: uniqueEmail('rerun') });
    guest = { actor: { id: signed.user.id, role: 'USER' }, token: signed.accessToken };
  });

  afterAll(async () => {
    await recorder?.stop();
    await bus?.close();
    await platform?.stop();
  });

  const stalls = (replica: ServiceProcess) => replica.logs.split('stalling').length - 1;

  /**
   * Sends `command`, waits for a replica to stall after writing it, kills that replica and
   * starts it again, and answers the reply (which the other replica's run gives).
   */
  async function sendAndKillAfterWrite<I extends z.ZodType, O extends z.ZodType>(
    command: CommandDefinition<I, O>,
    data: z.input<I> | z.output<I>,
  ): Promise<z.output<O>> {
    const replicas = platform.replicas.booking;
    const before = replicas.map(stalls);
    const reply = bus.send(command, data);
    reply.catch(() => undefined);
    const stalled = await eventually(
      async () => {
        const index = replicas.findIndex((replica, i) => stalls(replica) > before[i]);
        if (index < 0) throw new Error('no replica has written yet');
        return replicas[index];
      },
      { timeoutMs: 20_000 },
    );
    await stalled.stop('SIGKILL');
    const answer = await reply;
    await stalled.start();
    return answer;
  }

  async function pendingBooking(): Promise<{ booking: Booking; slots: string[] }> {
    const fixture = await hostWithRange(api, { slots: 4, requiresConfirmation: true });
    host = { actor: { id: fixture.hostId, role: 'HOST' }, token: fixture.token };
    const created = await api.post('/bookings', {
      token: guest.token,
      body: { hostId: fixture.hostId, startTime: slotAt(fixture, 0) },
    });
    expect(created.status).toBe(201);
    return { booking: created.body, slots: [0, 1, 2, 3].map((i) => slotAt(fixture, i)) };
  }

  it('confirm: the run on the other replica answers the confirmed booking, not 409', async () => {
    const { booking } = await pendingBooking();
    const confirmed = await sendAndKillAfterWrite(ConfirmBooking, {
      actor: host.actor,
      bookingId: booking.id,
      commandId: randomUUID(),
    });
    expect(confirmed).toMatchObject({ id: booking.id, status: 'confirmed' });
  });

  it('reschedule: the run on the other replica answers the moved booking, not 422', async () => {
    const { booking, slots } = await pendingBooking();
    const moved = await sendAndKillAfterWrite(RescheduleBooking, {
      actor: guest.actor,
      bookingId: booking.id,
      startTime: slots[2],
      commandId: randomUUID(),
    });
    expect(moved).toMatchObject({ id: booking.id, startTime: slots[2] });
  });

  it('a keyed create: its re-run answers the booking (not "in progress"), and so does the key sent again', async () => {
    const fixture = await hostWithRange(api, { slots: 2 });
    const key = randomUUID();
    const command = {
      hostId: fixture.hostId,
      startTime: slotAt(fixture, 0),
      actor: guest.actor,
      idempotencyKey: key,
    };
    const booked = await sendAndKillAfterWrite(CreateBooking, {
      ...command,
      commandId: randomUUID(),
    });
    expect(booked).toMatchObject({ hostId: fixture.hostId, status: 'confirmed' });
    const again = await bus.send(CreateBooking, {
      ...command,
      commandId: randomUUID(),
    });
    expect(again).toEqual(booked);
  });

  it('publishes each event of a write once, whichever replica relays it', async () => {
    const fixture = await hostWithRange(api, { slots: 20 });
    // Straight onto the bus: each run stalls after its write, longer than the gateway waits.
    const created = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        bus.send(CreateBooking, {
          hostId: fixture.hostId,
          startTime: slotAt(fixture, i),
          actor: guest.actor,
          commandId: randomUUID(),
        }),
      ),
    );
    const ids = new Set(created.map((booking) => booking.id));
    expect(ids.size).toBe(20);
    const published = () =>
      recorder.matching(
        (event) =>
          event.routingKey === BookingEvent.BookingCreated && ids.has(event.envelope.data.id),
      );
    await eventually(async () => expect(published()).toHaveLength(20), { timeoutMs: 15_000 });
    // Time for a second publish of any of them (another replica's relay pass) to arrive.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(published()).toHaveLength(20);
  });
});
