import { randomBytes } from 'node:crypto';
import { mongo } from 'mongoose';

/**
 * The MongoDB behaviours Slotbook relies on, stated against whatever answers at MONGO_URL:
 * real MongoDB, or tools/devdb (FerretDB 1.24 on PostgreSQL behind devdb's front, SPEC §8),
 * which must behave the same. It needs only MONGO_URL (a server URL without a database) and
 * uses only the public API of the driver mongoose brings, so it means the same on both:
 *
 *   MONGO_URL=mongodb://127.0.0.1:27017 npx jest --selectProjects integration tools/devdb
 */

type Doc = { _id: string; v: number };
type Booking = { _id: string; userId: string; hostId: string; startTime: Date };

const DUPLICATE_KEY = 11000;

describe('devdb conformance: MongoDB behaviours the code relies on', () => {
  let client: mongo.MongoClient;
  let db: mongo.Db;

  beforeAll(async () => {
    const server = process.env.MONGO_URL;
    if (!server) throw new Error('MONGO_URL is not set: run with scripts/test.sh or set it');
    client = await mongo.MongoClient.connect(server, { maxPoolSize: 60 });
    db = client.db(`t_devdb_conformance_${randomBytes(4).toString('hex')}`);
  });

  afterAll(async () => {
    await db?.dropDatabase().catch(() => undefined);
    await client?.close();
  });

  describe('single-document writes are atomic', () => {
    it('findOneAndUpdate as a compare-and-set has exactly one winner (100 rounds of 10 racers)', async () => {
      const docs = db.collection<Doc>('cas_find_and_modify');
      await docs.insertOne({ _id: 'doc', v: 0 });
      const winnersPerRound: number[] = [];
      for (let v = 0; v < 100; v += 1) {
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            docs.findOneAndUpdate({ _id: 'doc', v }, { $set: { v: v + 1 } }),
          ),
        );
        winnersPerRound.push(results.filter((result) => result !== null).length);
      }
      expect(winnersPerRound.filter((winners) => winners !== 1)).toEqual([]);
      expect(await docs.findOne({ _id: 'doc' })).toEqual({ _id: 'doc', v: 100 });
    });

    it('updateOne as a compare-and-set has exactly one winner (100 rounds of 10 racers)', async () => {
      const docs = db.collection<Doc>('cas_update');
      await docs.insertOne({ _id: 'doc', v: 0 });
      const winnersPerRound: number[] = [];
      for (let v = 0; v < 100; v += 1) {
        const results = await Promise.all(
          Array.from({ length: 10 }, () =>
            docs.updateOne({ _id: 'doc', v }, { $set: { v: v + 1 } }),
          ),
        );
        winnersPerRound.push(results.filter((result) => result.modifiedCount === 1).length);
      }
      expect(winnersPerRound.filter((winners) => winners !== 1)).toEqual([]);
      expect(await docs.findOne({ _id: 'doc' })).toEqual({ _id: 'doc', v: 100 });
    });

    it('$inc by 50 concurrent writers loses no update', async () => {
      const docs = db.collection<Doc>('counters');
      await docs.insertOne({ _id: 'counter', v: 0 });
      await Promise.all(
        Array.from({ length: 50 }, async () => {
          for (let i = 0; i < 4; i += 1)
            await docs.updateOne({ _id: 'counter' }, { $inc: { v: 1 } });
        }),
      );
      expect(await docs.findOne({ _id: 'counter' })).toEqual({ _id: 'counter', v: 200 });
    });

    it('$inc on a document matched by another field loses no update either', async () => {
      const docs = db.collection<Doc & { name: string }>('counters_by_name');
      await docs.insertOne({ _id: 'counter', name: 'c', v: 0 });
      await Promise.all(
        Array.from({ length: 20 }, () => docs.updateOne({ name: 'c' }, { $inc: { v: 1 } })),
      );
      expect((await docs.findOne({ _id: 'counter' }))?.v).toBe(20);
    });

    it('findOneAndDelete with 10 racers has exactly one winner (20 rounds)', async () => {
      const docs = db.collection<Doc>('claims');
      const winnersPerRound: number[] = [];
      for (let round = 0; round < 20; round += 1) {
        await docs.insertOne({ _id: `claim-${round}`, v: round });
        const results = await Promise.all(
          Array.from({ length: 10 }, () => docs.findOneAndDelete({ _id: `claim-${round}` })),
        );
        winnersPerRound.push(results.filter((result) => result !== null).length);
      }
      expect(winnersPerRound.filter((winners) => winners !== 1)).toEqual([]);
      expect(await docs.countDocuments()).toBe(0);
    });
  });

  /**
   * MongoDB serves as many concurrent writes as its clients open connections for. FerretDB 1.24
   * runs an update, findAndModify or delete on two PostgreSQL connections at once (the query's
   * open rows and the write's transaction) from a pool of 50; once more than 50 are in flight,
   * each holding one connection and waiting for a second, none ever finishes (seen as a whole
   * platform that stopped answering under webhook load).
   */
  describe('bulk writes', () => {
    it('a bulkWrite of 200 conditional updateOnes (more than devdb has connections), 4 at once, all complete', async () => {
      const docs = db.collection<Doc>('bulk_updates');
      const ids = Array.from({ length: 800 }, (_, i) => `d${i}`);
      await docs.insertMany(ids.map((_id) => ({ _id, v: 0 })));
      const bulks = [0, 1, 2, 3].map((k) =>
        docs.bulkWrite(
          ids.slice(k * 200, (k + 1) * 200).map((_id) => ({
            updateOne: { filter: { _id, v: 0 }, update: { $set: { v: 1 } } },
          })),
          { ordered: false },
        ),
      );
      const results = await Promise.all(bulks);
      expect(results.map((r) => r.modifiedCount)).toEqual([200, 200, 200, 200]);
      expect(await docs.countDocuments({ v: 1 })).toBe(800);
    });

    // devdb reads the documents of a run of updateOnes by distinct string or ObjectID _ids with
    // one query and writes them with one statement; each statement must still act as if alone.
    it('a bulkWrite of updateOnes by _id applies each as if alone: mismatches, no-ops, repeats, other _id types', async () => {
      type Rec = {
        _id: string | number | mongo.ObjectId;
        version: number;
        n: number;
        outbox?: string[];
      };
      const docs = db.collection<Rec>('bulk_by_id');
      const oid = new mongo.ObjectId();
      await docs.insertMany([
        { _id: 'a', version: 1, n: 0, outbox: ['e1'] },
        { _id: 'b', version: 2, n: 0 },
        { _id: 'c', version: 1, n: 5 },
        { _id: oid, version: 1, n: 0 },
        { _id: 7, version: 1, n: 0 },
      ]);
      const result = await docs.bulkWrite(
        [
          { updateOne: { filter: { _id: 'a', version: 1 }, update: { $set: { outbox: [] } } } },
          { updateOne: { filter: { _id: 'b', version: 1 }, update: { $set: { n: 1 } } } }, // stale version
          { updateOne: { filter: { _id: 'c' }, update: { $set: { n: 5 } } } }, // changes nothing
          { updateOne: { filter: { _id: 'missing' }, update: { $set: { n: 1 } } } },
          { updateOne: { filter: { _id: oid }, update: { $inc: { n: 1 } } } },
          { updateOne: { filter: { _id: oid.toHexString() }, update: { $inc: { n: 100 } } } }, // no ObjectID
          { updateOne: { filter: { _id: 7 }, update: { $inc: { n: 1 } } } },
          { updateOne: { filter: { _id: 'a' }, update: { $inc: { n: 1 } } } },
          { updateOne: { filter: { _id: 'a' }, update: { $inc: { n: 1 } } } },
        ],
        { ordered: false },
      );
      expect([result.matchedCount, result.modifiedCount, result.upsertedCount]).toEqual([6, 5, 0]);
      const byId = async (_id: Rec['_id']) => docs.findOne({ _id });
      expect(await byId('a')).toEqual({ _id: 'a', version: 1, n: 2, outbox: [] });
      expect(await byId('b')).toEqual({ _id: 'b', version: 2, n: 0 });
      expect(await byId('c')).toEqual({ _id: 'c', version: 1, n: 5 });
      expect(await byId(oid)).toEqual({ _id: oid, version: 1, n: 1 });
      expect(await byId(7)).toEqual({ _id: 7, version: 1, n: 1 });
      expect(await docs.countDocuments({})).toBe(5);
    });
  });

  describe('many concurrent writes on many connections', () => {
    it('300 connections, each doing 20 compare-and-set updates, findOneAndUpdates and deletes of its own documents, all complete', async () => {
      const CONNECTIONS = 300;
      const ROUNDS = 20;
      const wide = await mongo.MongoClient.connect(process.env.MONGO_URL ?? '', {
        maxPoolSize: CONNECTIONS,
      });
      try {
        const docs = wide.db(db.databaseName).collection<Doc>('wide_writes');
        await docs.insertMany(
          Array.from({ length: CONNECTIONS }, (_, i) => ({ _id: `w${i}`, v: 0 })),
        );
        // every connection open first, so that the writes below are in flight all at once
        await Promise.all(Array.from({ length: CONNECTIONS }, () => docs.findOne({ _id: 'w0' })));
        const worker = async (i: number): Promise<void> => {
          for (let v = 0; v < ROUNDS; v += 1) {
            if (v % 2 === 0) await docs.updateOne({ _id: `w${i}`, v }, { $set: { v: v + 1 } });
            else await docs.findOneAndUpdate({ _id: `w${i}`, v }, { $inc: { v: 1 } });
            await docs.deleteOne({ _id: `gone${i}-${v}` });
          }
        };
        let timer: NodeJS.Timeout | undefined;
        const deadline = new Promise<never>((_, reject) => {
          timer = setTimeout(
            () => reject(new Error('the writes did not complete in 90 s')),
            90_000,
          );
        });
        try {
          await Promise.race([
            Promise.all(Array.from({ length: CONNECTIONS }, (_, i) => worker(i))),
            deadline,
          ]);
        } finally {
          clearTimeout(timer);
        }
        expect(await docs.countDocuments({ v: ROUNDS })).toBe(CONNECTIONS);
      } finally {
        await wide.close(true);
      }
    }, 120_000);
  });

  describe('non-unique indexes', () => {
    it('are listed as declared, serve equality finds, and can be dropped and declared again', async () => {
      const bookings = db.collection<Booking>('listed_bookings');
      await bookings.createIndex({ hostId: 1, startTime: 1 });
      await bookings.createIndex({ userId: 1 }, { name: 'by_user' });
      await bookings.insertMany(
        Array.from({ length: 20 }, (_, i) => ({
          _id: `b${i}`,
          userId: `u${i % 2}`,
          hostId: `h${i % 4}`,
          startTime: new Date(Date.UTC(2030, 0, 1, i)),
        })),
      );
      const keys = async () =>
        Object.fromEntries((await bookings.listIndexes().toArray()).map((i) => [i.name, i.key]));
      expect(await keys()).toEqual({
        _id_: { _id: 1 },
        hostId_1_startTime_1: { hostId: 1, startTime: 1 },
        by_user: { userId: 1 },
      });
      expect(await bookings.countDocuments({ hostId: 'h1' })).toBe(5);
      expect(await bookings.countDocuments({ userId: 'u0' })).toBe(10);

      await bookings.dropIndex('by_user');
      expect(Object.keys(await keys()).sort()).toEqual(['_id_', 'hostId_1_startTime_1']);
      expect(await bookings.countDocuments({ userId: 'u0' })).toBe(10);
      await bookings.createIndex({ userId: 1 }, { name: 'by_user' });
      expect(await keys()).toMatchObject({ by_user: { userId: 1 } });
    });
  });

  describe('unique indexes', () => {
    async function insertError(promise: Promise<unknown>): Promise<unknown> {
      return promise.then(
        () => null,
        (error: unknown) => error,
      );
    }

    it('a unique index rejects a duplicate insert with code 11000', async () => {
      const users = db.collection<{ _id: string; email: string }>('users');
      await users.createIndex({ email: 1 }, { unique: true });
      await users.insertOne({ _id: 'u1', email: 'a@example.com' });
      const error = await insertError(users.insertOne({ _id: 'u2', email: 'a@example.com' }));
      expect(error).toMatchObject({ code: DUPLICATE_KEY });
      expect(await users.countDocuments({ email: 'a@example.com' })).toBe(1);
    });

    it('a compound unique index rejects a duplicate pair with 11000 and accepts a new pair', async () => {
      const claims = db.collection<{ _id: string; hostId: string; start: number }>('slot_claims');
      await claims.createIndex({ hostId: 1, start: 1 }, { unique: true });
      await claims.insertOne({ _id: 'c1', hostId: 'h1', start: 1 });
      await claims.insertOne({ _id: 'c2', hostId: 'h1', start: 2 });
      await claims.insertOne({ _id: 'c3', hostId: 'h2', start: 1 });
      const error = await insertError(claims.insertOne({ _id: 'c4', hostId: 'h1', start: 1 }));
      expect(error).toMatchObject({ code: DUPLICATE_KEY });
    });

    it('of 10 concurrent inserts of one unique key, one succeeds and the others get 11000', async () => {
      const users = db.collection<{ _id: string; email: string }>('users_race');
      await users.createIndex({ email: 1 }, { unique: true });
      const claims = db.collection<{ _id: string; hostId: string; start: number }>('claims_race');
      await claims.createIndex({ hostId: 1, start: 1 }, { unique: true });
      for (let round = 0; round < 10; round += 1) {
        const userErrors = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            insertError(users.insertOne({ _id: `u${round}-${i}`, email: `e${round}` })),
          ),
        );
        const claimErrors = await Promise.all(
          Array.from({ length: 10 }, (_, i) =>
            insertError(claims.insertOne({ _id: `c${round}-${i}`, hostId: 'h', start: round })),
          ),
        );
        for (const errors of [userErrors, claimErrors]) {
          expect(errors.filter((error) => error === null)).toHaveLength(1);
          for (const error of errors.filter((e) => e !== null)) {
            expect(error).toMatchObject({ code: DUPLICATE_KEY });
          }
        }
      }
    });

    it('an unordered insertMany inserts what collides with nothing and answers 11000 with the index of each collision', async () => {
      const cells = db.collection<{ _id: string; email: string }>('cells_unordered');
      await cells.createIndex({ email: 1 }, { unique: true });
      await cells.insertMany([
        { _id: 'taken', email: 'taken@example.com' },
        { _id: 'other', email: 'used@example.com' },
      ]);
      const error = await insertError(
        cells.insertMany(
          [
            { _id: 'n0', email: 'n0@example.com' },
            { _id: 'taken', email: 'n1@example.com' }, // _id in the collection
            { _id: 'n2', email: 'n2@example.com' },
            { _id: 'n3', email: 'used@example.com' }, // unique email in the collection
            { _id: 'n2', email: 'n4@example.com' }, // _id of an earlier document of the batch
            { _id: 'n5', email: 'n5@example.com' },
          ],
          { ordered: false },
        ),
      );
      expect(error).toMatchObject({ insertedCount: 3 });
      const writeErrors = (error as mongo.MongoBulkWriteError).writeErrors as mongo.WriteError[];
      expect(writeErrors.map((e) => [e.index, e.code])).toEqual([
        [1, DUPLICATE_KEY],
        [3, DUPLICATE_KEY],
        [4, DUPLICATE_KEY],
      ]);
      expect(await cells.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
        { _id: 'n0', email: 'n0@example.com' },
        { _id: 'n2', email: 'n2@example.com' },
        { _id: 'n5', email: 'n5@example.com' },
        { _id: 'other', email: 'used@example.com' },
        { _id: 'taken', email: 'taken@example.com' },
      ]);
    });

    it('an ordered insertMany stops at its first collision', async () => {
      const cells = db.collection<{ _id: string }>('cells_ordered');
      await cells.insertOne({ _id: 'taken' });
      const error = await insertError(
        cells.insertMany([{ _id: 'a' }, { _id: 'taken' }, { _id: 'b' }], { ordered: true }),
      );
      expect(error).toMatchObject({ insertedCount: 1 });
      const writeErrors = (error as mongo.MongoBulkWriteError).writeErrors as mongo.WriteError[];
      expect(writeErrors.map((e) => [e.index, e.code])).toEqual([[1, DUPLICATE_KEY]]);
      expect(await cells.find({}, { sort: { _id: 1 } }).toArray()).toEqual([
        { _id: 'a' },
        { _id: 'taken' },
      ]);
    });
  });

  /**
   * An equality whose matches are few costs the same at any collection size when an index
   * serves it; a scan grows with the collection (on FerretDB 1.24 without devdb's indexes:
   * ~45 ms at 100,000 documents). Medians of 20 lookups at 1,000 and at 100,000 documents.
   */
  describe('$in by _id and by an indexed field', () => {
    type Cell = { _id: string | number | mongo.ObjectId; bookingId: string; tags?: string[] };

    it('find and deleteMany with $in match exactly the listed values, whatever their type', async () => {
      const cells = db.collection<Cell>('cells_in');
      await cells.createIndex({ bookingId: 1 });
      const oid = new mongo.ObjectId();
      await cells.insertMany([
        { _id: 's1', bookingId: 'b1' },
        { _id: 's2', bookingId: 'b1' },
        { _id: oid, bookingId: 'b2' },
        { _id: 7, bookingId: 'b3' },
        { _id: 7.5, bookingId: 'b3' },
        { _id: 's3', bookingId: 'b4', tags: ['x', 'y'] },
      ]);
      const ids = async (filter: mongo.Filter<Cell>): Promise<unknown[]> =>
        (await cells.find(filter).toArray()).map((c) => c._id);

      expect(await ids({ _id: { $in: ['s1', 's2', 'missing'] } })).toEqual(['s1', 's2']);
      expect(await ids({ _id: { $in: [oid] } })).toEqual([oid]);
      expect(await ids({ _id: { $in: [oid.toHexString()] } })).toEqual([]); // a string is no ObjectID
      expect(await ids({ _id: { $in: [7, 7.5] } })).toEqual([7, 7.5]);
      expect(await ids({ bookingId: { $in: ['b1', 'b4'] }, _id: { $in: ['s2', 's3'] } })).toEqual([
        's2',
        's3',
      ]);
      expect(await ids({ tags: { $in: ['y', 'z'] } })).toEqual(['s3']);
      expect(await ids({ _id: { $in: [] } })).toEqual([]);

      expect(
        (await cells.deleteMany({ _id: { $in: ['s1', oid, 7, 'missing'] } })).deletedCount,
      ).toBe(3);
      expect((await cells.deleteMany({ bookingId: 'b3' })).deletedCount).toBe(1);
      expect((await cells.deleteMany({ bookingId: { $in: ['b1', 'b2'] } })).deletedCount).toBe(1);
      expect(await ids({})).toEqual(['s3']);
    });

    it('a find by _id $in reads its documents from an index', async () => {
      const cells = db.collection<Cell>('cells_in_plan');
      await cells.insertMany(
        Array.from({ length: 2_000 }, (_, i) => ({ _id: `c${i}`, bookingId: `b${i}` })),
      );
      const filter = { _id: { $in: Array.from({ length: 20 }, (_, i) => `c${i * 97}`) } };
      expect(await cells.countDocuments(filter)).toBe(20);
      const explained = (await cells.find(filter).explain()) as any;
      const planner = explained.queryPlanner ?? {};
      const text = JSON.stringify(planner);
      if (planner.Plan) {
        expect(text).not.toContain('Seq Scan');
        expect(text).toContain('Index');
      } else {
        expect(text).not.toContain('COLLSCAN');
      }
    });
  });

  describe('equality lookups by an index stay flat from 1,000 to 100,000 documents', () => {
    const SMALL = 1_000;
    const LARGE = 100_000;
    const LOOKUPS = 20;
    // `plain` never sees createIndex: only its _id index serves it, as with a collection
    // created by its first insert. `bookings` declares the indexes the lookups use.
    let plain: mongo.Collection<Booking>;
    let bookings: mongo.Collection<Booking>;
    type Lookup = {
      name: string;
      collection: () => mongo.Collection<Booking>;
      filter: (i: number) => mongo.Filter<Booking>;
    };
    const lookups: Lookup[] = [
      { name: 'by _id', collection: () => plain, filter: (i) => ({ _id: `b${i * 37}` }) },
      {
        name: 'by an indexed field',
        collection: () => bookings,
        filter: (i) => ({ userId: `u${i * 37}` }),
      },
      {
        name: 'by the first field of a compound index',
        collection: () => bookings,
        filter: (i) => ({ hostId: `h${i * 37}` }),
      },
    ];
    const medians = new Map<string, { small: number; large: number }>();

    function booking(i: number): Booking {
      // 20,000 users and 25,000 hosts: at 100,000 documents each lookup matches 4 or 5
      return {
        _id: `b${i}`,
        userId: `u${i % 20_000}`,
        hostId: `h${i % 25_000}`,
        startTime: new Date(Date.UTC(2027, 0, 1) + i * 60_000),
      };
    }

    async function fill(from: number, to: number): Promise<void> {
      const batch = 5_000;
      for (let start = from; start < to; start += batch) {
        const docs = Array.from({ length: Math.min(batch, to - start) }, (_, k) =>
          booking(start + k),
        );
        await Promise.all([plain.insertMany(docs), bookings.insertMany(docs)]);
      }
    }

    async function median(lookup: Lookup): Promise<number> {
      const times: number[] = [];
      for (let i = 0; i < LOOKUPS; i += 1) {
        const started = process.hrtime.bigint();
        const found = await lookup.collection().find(lookup.filter(i)).toArray();
        times.push(Number(process.hrtime.bigint() - started) / 1e6);
        expect(found.length).toBeGreaterThan(0);
      }
      times.sort((a, b) => a - b);
      return (times[LOOKUPS / 2 - 1] + times[LOOKUPS / 2]) / 2;
    }

    async function measure(size: 'small' | 'large'): Promise<void> {
      for (const lookup of lookups) {
        await median(lookup); // warm up
        const value = await median(lookup);
        medians.set(lookup.name, {
          ...(medians.get(lookup.name) ?? { small: 0, large: 0 }),
          [size]: value,
        });
      }
    }

    beforeAll(async () => {
      plain = db.collection<Booking>('plain');
      bookings = db.collection<Booking>('bookings');
      await bookings.createIndex({ userId: 1 });
      await bookings.createIndex({ hostId: 1, startTime: 1 }, { unique: true });
      await fill(0, SMALL);
      await measure('small');
      await fill(SMALL, LARGE);
      await measure('large');
      console.log(
        `devdb conformance: lookup medians (ms) at ${SMALL} / ${LARGE} documents: ` +
          [...medians]
            .map(([name, m]) => `${name} ${m.small.toFixed(2)} / ${m.large.toFixed(2)}`)
            .join('; '),
      );
    }, 120_000);

    /** The query plan of a lookup: PostgreSQL's (FerretDB exposes it) or MongoDB's winning plan. */
    async function plan(
      lookup: Lookup,
    ): Promise<{ kind: 'postgresql' | 'mongodb'; nodes: string[] }> {
      const explained = (await lookup.collection().find(lookup.filter(1)).explain()) as any;
      const planner = explained.queryPlanner ?? {};
      const nodes: string[] = [];
      const walk = (node: any, typeKey: string, childKeys: string[]): void => {
        if (!node || typeof node !== 'object') return;
        if (typeof node[typeKey] === 'string') nodes.push(node[typeKey]);
        for (const key of childKeys) {
          const child = node[key];
          for (const c of Array.isArray(child) ? child : [child]) walk(c, typeKey, childKeys);
        }
      };
      if (planner.Plan) {
        walk(planner.Plan, 'Node Type', ['Plans']);
        return { kind: 'postgresql', nodes };
      }
      walk(planner.winningPlan, 'stage', ['inputStage', 'inputStages', 'queryPlan']);
      return { kind: 'mongodb', nodes };
    }

    it.each(['by _id', 'by an indexed field', 'by the first field of a compound index'])(
      'a lookup %s costs about the same at 100,000 documents as at 1,000, from an index',
      async (name) => {
        const lookup = lookups.find((l) => l.name === name)!;
        const { small, large } = medians.get(name)!;
        // An index lookup stays within a few ms; a scan of 100,000 documents takes tens of ms.
        expect(large).toBeLessThan(25);
        expect(large).toBeLessThan(4 * small + 5);

        const { kind, nodes } = await plan(lookup);
        if (kind === 'postgresql') {
          expect(nodes).not.toContain('Seq Scan');
          expect(nodes.some((node) => node.includes('Index'))).toBe(true);
        } else {
          expect(nodes).not.toContain('COLLSCAN');
        }
      },
    );
  });
});
