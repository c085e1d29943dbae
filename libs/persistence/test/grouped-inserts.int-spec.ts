import mongoose, { Schema, type Connection, type Model } from 'mongoose';
import type { CommandStartedEvent } from 'mongodb';
import { mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { GroupedInserts } from '../src';

interface Key {
  _id: string;
  owner: string;
}

/** Concurrent callers' inserts carried together, against the real database. */
describe('grouped inserts', () => {
  let connection: Connection;
  let model: Model<Key>;
  const commands: CommandStartedEvent[] = [];
  const insertsFrom = (from: number) =>
    commands.slice(from).filter((c) => c.commandName === 'insert' && c.command.insert === 'keys');

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(mongoUrlFor(uniqueDatabase('grouped')), { monitorCommands: true })
      .asPromise();
    connection.getClient().on('commandStarted', (event) => commands.push(event));
    model = connection.model<Key>(
      'Key',
      new Schema({ _id: String, owner: String }, { versionKey: false }),
      'keys',
    );
    await model.init();
  });

  afterAll(async () => {
    await connection?.dropDatabase().catch(() => undefined);
    await connection?.close();
  });

  it('writes what callers hand in during a write in the next one, and answers each its own refusals', async () => {
    await model.collection.insertOne({ _id: 'taken', owner: 'before' } as never);
    const inserts = new GroupedInserts(model);
    const from = commands.length;
    const keys = (owner: string, ids: string[]) => ids.map((_id) => ({ _id, owner }));
    const answers = await Promise.all([
      inserts.insert(keys('a', ['a1', 'a2'])),
      inserts.insert(keys('b', ['b1', 'taken', 'b2'])),
      inserts.insert(keys('c', ['shared', 'c1'])),
      inserts.insert(keys('d', ['d1', 'shared'])),
      inserts.insert([]),
    ]);
    // The first caller went alone; the three behind it waited for one write together.
    expect(insertsFrom(from).map((c) => (c.command.documents as unknown[]).length)).toEqual([2, 7]);
    expect(answers).toEqual([[], [1], [], [1], []]);
    const stored = await model.find().sort({ _id: 1 }).lean().exec();
    expect(stored.map((doc) => `${doc._id}:${doc.owner}`)).toEqual([
      'a1:a',
      'a2:a',
      'b1:b',
      'b2:b',
      'c1:c',
      'd1:d',
      'shared:c',
      'taken:before',
    ]);
  });

  it('fails every caller of a write that fails, and writes the next callers afresh', async () => {
    const inserts = new GroupedInserts(model);
    const first = inserts.insert([{ _id: 'x1', owner: 'x' }]);
    // An array is no _id: a refusal other than a duplicate fails the whole write.
    const failed = await Promise.allSettled([
      inserts.insert([{ _id: 'y1', owner: 'y' }]),
      inserts.insert([{ _id: ['no'] as never, owner: 'z' }]),
    ]);
    expect(await first).toEqual([]);
    expect(failed.map((result) => result.status)).toEqual(['rejected', 'rejected']);
    expect(await inserts.insert([{ _id: 'y2', owner: 'y' }])).toEqual([]);
  });
});
