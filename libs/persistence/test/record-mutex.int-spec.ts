import mongoose, { type Connection } from 'mongoose';
import { mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { RecordMutex } from '../src';

/**
 * Why the mutex exists: FerretDB applies an update as read, change in memory, write back
 * whole, so concurrent read-modify-writes of one document lose each other's changes. Under
 * the mutex (an insert into a unique index) they do not.
 */
describe('record mutex', () => {
  let connection: Connection;
  let mutex: RecordMutex;

  beforeAll(async () => {
    connection = await mongoose.createConnection(mongoUrlFor(uniqueDatabase('mutex'))).asPromise();
    mutex = RecordMutex.forConnection(connection);
    await connection.models.RecordLock.init();
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  async function increment(id: string): Promise<void> {
    const counters = connection.collection<{ _id: string; value: number }>('counters');
    const doc = await counters.findOne({ _id: id });
    await new Promise((resolve) => setTimeout(resolve, 2));
    await counters.updateOne({ _id: id }, { $set: { value: (doc?.value ?? 0) + 1 } });
  }

  it('serialises concurrent read-modify-writes of one record: no change is lost', async () => {
    await connection
      .collection<{ _id: string; value: number }>('counters')
      .insertOne({ _id: 'a', value: 0 });
    await Promise.all(
      Array.from({ length: 25 }, () =>
        mutex.withLock('counter:a', () => increment('a'), { leaseMs: 10_000, waitMs: 20_000 }),
      ),
    );
    expect((await connection.collection('counters').findOne({ _id: 'a' as never }))!.value).toBe(
      25,
    );
  });

  it('gives up after waiting, with a 409 for the caller to retry', async () => {
    const release = await mutex.tryAcquire('busy', { leaseMs: 10_000, waitMs: 0 });
    expect(release).not.toBeNull();
    await expect(
      mutex.withLock('busy', async () => 'never', { leaseMs: 10_000, waitMs: 100 }),
    ).rejects.toMatchObject({ code: 'CONFLICT' });
    await release!();
    expect(await mutex.withLock('busy', async () => 'now', { leaseMs: 10_000, waitMs: 100 })).toBe(
      'now',
    );
  });

  it('frees a record whose holder died once the lease is over', async () => {
    expect(await mutex.tryAcquire('crashed', { leaseMs: 50, waitMs: 0 })).not.toBeNull();
    expect(await mutex.tryAcquire('crashed', { leaseMs: 50, waitMs: 0 })).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 80));
    expect(await mutex.tryAcquire('crashed', { leaseMs: 50, waitMs: 0 })).not.toBeNull();
  });

  it('lets only one of many concurrent contenders hold a record at a time', async () => {
    let inside = 0;
    let maxInside = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        mutex.withLock(
          'exclusive',
          async () => {
            inside += 1;
            maxInside = Math.max(maxInside, inside);
            await new Promise((resolve) => setTimeout(resolve, 3));
            inside -= 1;
          },
          { leaseMs: 10_000, waitMs: 20_000 },
        ),
      ),
    );
    expect(maxInside).toBe(1);
  });
});
