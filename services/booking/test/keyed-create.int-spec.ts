import Redis from 'ioredis';
import mongoose, { type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import {
  DomainError,
  ErrorCode,
  type Booking,
  type CreateBookingCommand,
} from '@slotbook/contracts';
import type { OutboxRelay } from '@slotbook/messaging';
import { HOUR_MS, MINUTE_MS, NO_BUFFERS } from '@slotbook/scheduling';
import { infra, mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import type { SlotTerms } from '../src/bookings/booking';
import { BookingDocument, BookingSchema } from '../src/bookings/booking.schema';
import { BookingsRepository } from '../src/bookings/bookings.repository';
import {
  CreateBookingHandler,
  IDEMPOTENCY_WINDOW_MS,
  keyedId,
} from '../src/bookings/create-booking.handler';
import { HeldTimeDocument, HeldTimeSchema } from '../src/bookings/held-time.schema';
import { SeatHold } from '../src/bookings/seat-hold';
import { SlotHold } from '../src/bookings/slot-hold';
import { SlotLock } from '../src/bookings/slot-lock';
import type { SlotTermsClient } from '../src/bookings/slot-terms.client';

const GUEST = { id: 'guest-keyed', role: 'USER' as const };

/**
 * Creates with an `Idempotency-Key` against the real database and Redis: the booking's id is
 * the key's, so the booking (or a refusal kept in its place) is the key's record. The slot's
 * terms are given (every slot is 30 minutes, confirmed): what is under test is the record.
 */
describe('keyed creates', () => {
  let connection: Connection;
  let redis: Redis;
  let held: Model<HeldTimeDocument>;
  let bookingModel: Model<BookingDocument>;
  let bookings: BookingsRepository;
  let handler: CreateBookingHandler;
  let hold: SlotHold;

  beforeAll(async () => {
    connection = await mongoose.createConnection(mongoUrlFor(uniqueDatabase('keyed'))).asPromise();
    held = connection.model(HeldTimeDocument.name, HeldTimeSchema) as Model<HeldTimeDocument>;
    bookingModel = connection.model(BookingDocument.name, BookingSchema) as Model<BookingDocument>;
    await Promise.all([held.init(), bookingModel.init()]);
    bookings = new BookingsRepository(bookingModel);
    redis = new Redis(infra.redisUrl);
    hold = new SlotHold(
      held,
      new SlotLock(redis, { enabled: true, ttlMs: 5_000 }),
      bookings,
      new SeatHold(held, bookings),
    );
    const terms = async ({ hostId }: { hostId?: string }, startTime: Date): Promise<SlotTerms> => ({
      hostId: hostId!,
      endTime: new Date(startTime.getTime() + 30 * MINUTE_MS),
      requiresConfirmation: false,
      rangeId: 'range',
      eventTypeId: null,
      buffers: NO_BUFFERS,
      public: false,
      bookingFields: [],
      seatsPerSlot: 1,
    });
    const client = { expected: terms, confirmed: terms } as unknown as SlotTermsClient;
    const relay = { kick: () => undefined } as unknown as OutboxRelay;
    handler = new CreateBookingHandler(client, hold, bookings, relay);
  });

  afterAll(async () => {
    redis?.disconnect();
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  let nextDay = 0;
  /** A host of its own and a slot far enough ahead. */
  function fixture() {
    nextDay += 1;
    const hostId = randomUUID();
    const slot = (i: number) => new Date(Date.UTC(2031, 0, nextDay, 9) + i * 30 * MINUTE_MS);
    return { hostId, slot };
  }

  function create(
    hostId: string,
    startTime: Date,
    key?: string,
    actor: { id: string; role: 'USER' } = GUEST,
  ): Promise<Booking> {
    const command: CreateBookingCommand = {
      actor,
      hostId,
      startTime,
      commandId: randomUUID(),
      ...(key ? { idempotencyKey: key } : {}),
    };
    return handler.handle(command);
  }

  const refusal = (code: string) => expect.objectContaining({ code });

  it('many runs of one key at once make one booking, and each answers it', async () => {
    const { hostId, slot } = fixture();
    const key = randomUUID();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => create(hostId, slot(0), key)),
    );
    expect(new Set(answers.map((answer) => answer.id))).toEqual(new Set([keyedId(GUEST.id, key)]));
    expect(await bookingModel.countDocuments({ hostId })).toBe(1);
    expect(await held.countDocuments({ bookingId: { $ne: answers[0]!.id } })).toBe(0);
  });

  it('another request with the key is 422 and holds nothing', async () => {
    const { hostId, slot } = fixture();
    const key = randomUUID();
    const first = await create(hostId, slot(0), key);
    await expect(create(hostId, slot(2), key)).rejects.toEqual(refusal(ErrorCode.ValidationFailed));
    // Slot 2 is free for anyone; the key's booking keeps its own.
    await expect(create(hostId, slot(2))).resolves.toMatchObject({ hostId });
    await expect(create(hostId, slot(0), key)).resolves.toEqual(first);
  });

  it('keeps a refusal as the key answer: a 409 stays 409 after the slot is free again', async () => {
    const { hostId, slot } = fixture();
    const other = await create(hostId, slot(0));
    const key = randomUUID();
    const refused = await create(hostId, slot(0), key).catch((error: unknown) => error);
    expect(refused).toEqual(refusal(ErrorCode.SlotTaken));
    await held.deleteMany({ bookingId: other.id });
    await redis.del(`lock:slot:${hostId}|${slot(0).toISOString()}`);
    await expect(create(hostId, slot(0), key)).rejects.toEqual(refusal(ErrorCode.SlotTaken));
    await expect(create(hostId, slot(0))).resolves.toMatchObject({ hostId });
    expect((refused as DomainError).message).toBe('the slot is already booked');
  });

  it('the key of a first run that died after holding the time books that time', async () => {
    const { hostId, slot } = fixture();
    const key = randomUUID();
    const id = keyedId(GUEST.id, key);
    // What a run killed between its two writes leaves: the time held, no booking.
    const leftover = new SlotHold(
      held,
      new SlotLock(redis, { enabled: false, ttlMs: 1 }),
      bookings,
      new SeatHold(held, bookings),
    );
    await leftover.around(
      {
        bookingId: id,
        hostId,
        startTime: slot(0),
        endTime: slot(1),
        occupied: { start: slot(0).getTime(), end: slot(1).getTime() },
        eventTypeId: null,
      },
      async () => 'held',
    );
    await expect(create(hostId, slot(0), key)).resolves.toMatchObject({ id, hostId });
  });

  it('a key whose first run was fenced off (its id buried) books under its next id', async () => {
    const { hostId, slot } = fixture();
    const key = randomUUID();
    expect(await bookings.abandon(keyedId(GUEST.id, key))).toBe(true);
    const booked = await create(hostId, slot(0), key);
    expect(booked.id).toBe(keyedId(GUEST.id, key, 1));
    await expect(create(hostId, slot(0), key)).resolves.toEqual(booked);
  });

  it('a key older than the window books again (under its next id)', async () => {
    const { hostId, slot } = fixture();
    const key = randomUUID();
    const first = await create(hostId, slot(0), key);
    const dayAgo = new Date(Date.now() - IDEMPOTENCY_WINDOW_MS - HOUR_MS);
    await bookingModel.updateOne({ _id: first.id }, { $set: { createdAt: dayAgo } });
    const second = await create(hostId, slot(2), key);
    expect(second.id).toBe(keyedId(GUEST.id, key, 1));
    await expect(create(hostId, slot(2), key)).resolves.toEqual(second);
  });

  it('answers the first response again, even after the booking changed', async () => {
    const { hostId, slot } = fixture();
    const key = randomUUID();
    const first = await create(hostId, slot(0), key);
    await bookingModel.updateOne({ _id: first.id }, { $set: { status: 'cancelled' } });
    await expect(create(hostId, slot(0), key)).resolves.toEqual(first);
  });

  it("a replay after the booking moved frees what it took and keeps the booking's new time", async () => {
    const { hostId, slot } = fixture();
    const key = randomUUID();
    const first = await create(hostId, slot(0), key);
    // The booking moved to slot 2 as a reschedule leaves it: slot 2 held, slot 0 let go.
    const at = (i: number) => ({
      bookingId: first.id,
      hostId,
      startTime: slot(i),
      endTime: slot(i + 1),
      occupied: { start: slot(i).getTime(), end: slot(i + 1).getTime() },
      eventTypeId: null,
    });
    await hold.around(at(2), async () => 'moved');
    await hold.letGo(
      first.id,
      hold.documentsOf(at(2)).map((doc) => doc._id),
    );
    await bookingModel.updateOne(
      { _id: first.id },
      { $set: { startTime: slot(2), endTime: slot(3) } },
    );
    const keptBefore = await held.countDocuments({ bookingId: first.id });
    await expect(create(hostId, slot(0), key)).resolves.toEqual(first);
    expect(await held.countDocuments({ bookingId: first.id })).toBe(keptBefore);
    await expect(create(hostId, slot(0))).resolves.toMatchObject({ hostId });
    await expect(create(hostId, slot(2))).rejects.toEqual(refusal(ErrorCode.SlotTaken));
  });

  it('keys are per user', async () => {
    const { hostId, slot } = fixture();
    const key = randomUUID();
    const mine = await create(hostId, slot(0), key);
    const theirs = await create(hostId, slot(2), key, { id: 'someone-else', role: 'USER' });
    expect(theirs.id).not.toBe(mine.id);
  });

  it('a keyed refusal is kept where the booking would be, and no list shows it', async () => {
    const { hostId, slot } = fixture();
    const key = randomUUID();
    await expect(create(hostId, slot(0), key, GUEST)).resolves.toBeDefined();
    await expect(create(GUEST.id, slot(1), randomUUID())).rejects.toEqual(
      refusal(ErrorCode.ValidationFailed),
    );
    const page = await bookings.list({ id: 'admin', role: 'ADMIN' }, { limit: 100 } as never);
    expect(page.data.every((booking) => booking.hostId)).toBe(true);
    expect(await bookings.findById(keyedId(GUEST.id, key))).not.toBeNull();
  });
});
