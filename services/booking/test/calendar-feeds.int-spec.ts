import mongoose, { type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import type { BookingStatus } from '@slotbook/contracts';
import { DAY_MS } from '@slotbook/scheduling';
import { mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { BookingDocument, BookingSchema } from '../src/bookings/booking.schema';
import {
  CalendarFeedDocument,
  CalendarFeedSchema,
} from '../src/calendar-feeds/calendar-feed.schema';
import { CalendarFeedsRepository } from '../src/calendar-feeds/calendar-feeds.repository';

/** Hosts' calendar feeds against the real database (SPEC §6b). */
describe('calendar feeds storage', () => {
  let connection: Connection;
  let bookingModel: Model<BookingDocument>;
  let feeds: CalendarFeedsRepository;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(mongoUrlFor(uniqueDatabase('calendar-feeds')))
      .asPromise();
    const feedModel = connection.model(
      CalendarFeedDocument.name,
      CalendarFeedSchema,
    ) as Model<CalendarFeedDocument>;
    bookingModel = connection.model(BookingDocument.name, BookingSchema) as Model<BookingDocument>;
    await Promise.all([feedModel.init(), bookingModel.init()]);
    feeds = new CalendarFeedsRepository(feedModel, bookingModel);
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  const hash = () => randomUUID().replace(/-/g, '').padEnd(64, '0');

  async function insertBooking(hostId: string, startTime: Date, status: BookingStatus) {
    const id = randomUUID();
    const now = new Date();
    await bookingModel.collection.insertOne({
      _id: id,
      hostId,
      userId: 'member',
      guest: null,
      responses: {},
      sequence: 0,
      startTime,
      endTime: new Date(startTime.getTime() + 30 * 60_000),
      status,
      notes: null,
      cancellationReason: null,
      hostMonth: `${hostId}|${startTime.toISOString().slice(0, 7)}`,
      commands: [],
      rangeId: 'range',
      eventTypeId: null,
      bufferBefore: 0,
      bufferAfter: 0,
      createdAt: now,
      updatedAt: now,
      version: 0,
      outbox: [],
    } as never);
    return id;
  }

  it("knows a host by its latest token's hash only", async () => {
    const hostId = randomUUID();
    const [first, second] = [hash(), hash()];
    await feeds.set(hostId, first, new Date());
    expect(await feeds.hostOf(first)).toBe(hostId);
    await feeds.set(hostId, second, new Date());
    expect(await feeds.hostOf(first)).toBeNull();
    expect(await feeds.hostOf(second)).toBe(hostId);
    expect(await feeds.hostOf(hash())).toBeNull();
  });

  it("reads the host's bookings in the window that are not cancelled, by start, up to the limit", async () => {
    const hostId = randomUUID();
    const now = Date.now();
    const at = (days: number) => new Date(now + days * DAY_MS);
    await insertBooking(hostId, at(-31), 'completed');
    const past = await insertBooking(hostId, at(-29), 'completed');
    const noShow = await insertBooking(hostId, at(-1), 'no_show');
    await insertBooking(hostId, at(2), 'cancelled');
    const pending = await insertBooking(hostId, at(3), 'pending');
    const confirmed = await insertBooking(hostId, at(364), 'confirmed');
    await insertBooking(hostId, at(366), 'confirmed');
    await insertBooking(randomUUID(), at(5), 'confirmed');
    const read = (limit: number) =>
      feeds.bookingsOf(hostId, at(-30), at(365), limit).then((found) => found.map((b) => b.id));
    expect(await read(100)).toEqual([past, noShow, pending, confirmed]);
    expect(await read(2)).toEqual([past, noShow]);
  });
});
