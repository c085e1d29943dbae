import mongoose, { type Connection } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { DomainError, ErrorCode } from '@slotbook/contracts';
import { MINUTE_MS, intervalsOverlap, type Interval } from '@slotbook/scheduling';
import { mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { SlotClaimRepository } from '../src/bookings/slot-claim.repository';
import { claimsOn } from './claims-on';

const T0 = Date.parse('2031-06-02T08:00:00Z');
const span = (fromMin: number, toMin: number): Interval => ({
  start: T0 + fromMin * MINUTE_MS,
  end: T0 + toMin * MINUTE_MS,
});

/** The no-overlap guard's unique keys, against the real database (devdb or MongoDB). */
describe('occupied cells in the database', () => {
  let connection: Connection;
  let claims: SlotClaimRepository;

  beforeAll(async () => {
    connection = await mongoose.createConnection(mongoUrlFor(uniqueDatabase('cells'))).asPromise();
    claims = await claimsOn(connection);
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  /** Claims the time for a new booking as the create path does: the claim, then its cells. */
  async function hold(hostId: string, occupied: Interval): Promise<string> {
    const claimId = await claims.claim(hostId, new Date(occupied.start), randomUUID(), {
      eventTypeId: 'event-type',
      occupied,
    });
    try {
      await claims.occupy(claimId, hostId, occupied);
      return claimId;
    } catch (error) {
      await claims.release(claimId, hostId);
      throw error;
    }
  }

  const slotTaken = expect.objectContaining({ code: ErrorCode.SlotTaken });

  it('refuses time that overlaps a held booking of another length, and frees it on release', async () => {
    const hostId = randomUUID();
    const first = await hold(hostId, span(0, 75)); // 60 minutes + 15 after
    await expect(hold(hostId, span(70, 100))).rejects.toEqual(slotTaken);
    // The refused claim left nothing behind: the time next to it is still free.
    await expect(hold(hostId, span(75, 105))).resolves.toEqual(expect.any(String));
    await claims.release(first, hostId);
    expect(await claims.cells.countDocuments({ claimId: first })).toBe(0);
    await expect(hold(hostId, span(30, 60))).resolves.toEqual(expect.any(String));
  });

  it("takes a claim's own cells as its own when the same claim occupies again (a redelivered create)", async () => {
    const hostId = randomUUID();
    const claimId = await hold(hostId, span(200, 230));
    await expect(claims.occupy(claimId, hostId, span(200, 230))).resolves.toBeUndefined();
  });

  it('lets another host have the same time', async () => {
    await hold(randomUUID(), span(300, 330));
    await expect(hold(randomUUID(), span(300, 330))).resolves.toEqual(expect.any(String));
  });

  it('lets 40 concurrent claims of overlapping times of different lengths win only where none overlap', async () => {
    const hostId = randomUUID();
    const wanted = Array.from({ length: 40 }, (_, i) => {
      const start = 600 + ((i * 7) % 24) * 5;
      const length = [15, 30, 45, 60, 90][i % 5];
      return span(start, start + length);
    });
    const results = await Promise.allSettled(wanted.map((occupied) => hold(hostId, occupied)));
    const winners = wanted.filter((_, i) => results[i].status === 'fulfilled');
    const losers = results.filter((r) => r.status === 'rejected');
    expect(winners.length).toBeGreaterThan(0);
    for (const loser of losers) {
      expect((loser as PromiseRejectedResult).reason).toBeInstanceOf(DomainError);
    }
    for (let i = 0; i < winners.length; i += 1) {
      for (let j = i + 1; j < winners.length; j += 1) {
        expect(intervalsOverlap(winners[i], winners[j])).toBe(false);
      }
    }
    // Everything the losers inserted is gone: only the winners' cells remain.
    const cells = await claims.cells.find({ a: { $regex: `^${hostId}` } }).lean();
    const expected = winners.reduce((sum, w) => sum + (w.end - w.start) / (5 * MINUTE_MS), 0);
    expect(cells).toHaveLength(expected);
  });

  it("answers a host's busy time from a copy that no settle or release leaves stale, on every replica", async () => {
    const hostId = randomUUID();
    const replica = new SlotClaimRepository(claims.model, claims.cells, claims.stamps);
    const window: [Date, Date] = [new Date(span(0, 0).start), new Date(span(24 * 60, 0).start)];
    const book = async (occupied: Interval) => {
      const claimId = await hold(hostId, occupied);
      await claims.settle(claimId, hostId, 0, new Date(occupied.end), occupied);
      return claimId;
    };
    /** The busy intervals as `HH:MM–HH:MM` (UTC). */
    const busyOf = async (repository: SlotClaimRepository) => {
      const busy = await repository.busy(hostId, ...window);
      const text = (ms: number) => new Date(ms).toISOString().slice(11, 16);
      return busy.flatMap((ms, i) => (i % 2 === 0 ? [`${text(ms)}–${text(busy[i + 1])}`] : []));
    };
    const first = await book(span(60, 90));
    expect(await busyOf(claims)).toEqual(['09:00–09:30']);
    expect(await busyOf(replica)).toEqual(['09:00–09:30']);
    await book(span(120, 150));
    expect(await busyOf(claims)).toEqual(['09:00–09:30', '10:00–10:30']);
    expect(await busyOf(replica)).toEqual(['09:00–09:30', '10:00–10:30']);
    await replica.release(first, hostId);
    expect(await busyOf(claims)).toEqual(['10:00–10:30']);
    expect(await busyOf(replica)).toEqual(['10:00–10:30']);
  });
});
