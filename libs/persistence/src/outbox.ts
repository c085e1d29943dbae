import { randomUUID } from 'node:crypto';
import { Prop, Schema } from '@nestjs/mongoose';
import { Schema as MongooseSchema, type Model } from 'mongoose';
import type { PendingEvent } from '@slotbook/contracts';
import type { OutboxSnapshot, OutboxStore, PendingFilter } from '@slotbook/messaging';
import { fromStoredJson, toStoredJson, type StoredJson } from './stored-json';

/**
 * The outbox lives inside each record: an event is `$push`ed in the same single-document
 * update as the change it describes, so the two are atomic without transactions. Each event is
 * kept as its JSON text (stored-json.ts).
 */
export type StoredEvent = StoredJson<PendingEvent>;

function eventOf(stored: StoredEvent): PendingEvent {
  const event = fromStoredJson(stored);
  // Parsed from text, `occurredAt` is its ISO string.
  return { ...event, occurredAt: new Date(event.occurredAt) };
}

/** Marks the records this process writes, so that its relay can find its own writes. */
const WRITER = randomUUID();

/**
 * What every record with an in-record outbox carries: its timestamps, a version that every
 * change increments (the compare-and-set of {@link compareAndSet}), its pending events, a flag
 * the relay finds them by, since when they wait and which process wrote them. Record schemas
 * extend it (`SchemaFactory.createForClass` follows the class chain) and declare the flag's
 * index with {@link indexOutbox}.
 */
@Schema()
export abstract class OutboxRecord {
  @Prop({ required: true })
  createdAt!: Date;

  @Prop({ required: true })
  updatedAt!: Date;

  @Prop({ required: true, default: 1 })
  version!: number;

  @Prop({ type: [MongooseSchema.Types.Mixed], default: [] })
  outbox!: StoredEvent[];

  /** True while the outbox holds events: an equality with few matches, served by an index. */
  @Prop({ required: true, default: false })
  outboxPending!: boolean;

  /** When the last write with events was made: the recovery scan leaves younger ones alone. */
  @Prop({ type: Date, default: null })
  outboxSince?: Date | null;

  /** The process that made that write: its relay looks its own writes up. */
  @Prop({ type: String, default: null })
  outboxWriter?: string | null;
}

/** Declares the index the relay's `{outboxPending: true}` query is served by. */
export function indexOutbox(schema: MongooseSchema): void {
  schema.index({ outboxPending: 1 });
}

export interface WithOutbox {
  _id: string;
  version: number;
  outbox: StoredEvent[];
  outboxPending: boolean;
  outboxSince?: Date | null;
  outboxWriter?: string | null;
}

type OutboxFields = Pick<
  WithOutbox,
  'version' | 'outbox' | 'outboxPending' | 'outboxSince' | 'outboxWriter'
>;

/** The outbox fields of a write that adds events now, from this process. */
function eventsWritten(): Pick<WithOutbox, 'outboxPending' | 'outboxSince' | 'outboxWriter'> {
  return { outboxPending: true, outboxSince: new Date(), outboxWriter: WRITER };
}

/** The fields a new record's outbox starts with. */
export function initialOutbox(events: PendingEvent[]): OutboxFields {
  return {
    version: 1,
    outbox: events.map(toStoredJson),
    ...(events.length > 0 ? eventsWritten() : { outboxPending: false }),
  };
}

/**
 * Writes `set` and appends `events` if the record is still at the version the caller read,
 * incrementing it: MongoDB's single-document atomicity makes this a compare-and-set, so a
 * writer that read a stale record changes nothing. Answers the record as written, or null when
 * another writer got there first (or the record is gone): decide again on a fresh read.
 */
export async function compareAndSet<T extends WithOutbox>(
  model: Model<T>,
  current: Pick<WithOutbox, '_id' | 'version'>,
  set: Partial<T>,
  events: PendingEvent[],
): Promise<T | null> {
  const update: Record<string, unknown> = {
    $set: events.length > 0 ? { ...set, ...eventsWritten() } : set,
    $inc: { version: 1 },
  };
  if (events.length > 0) update.$push = { outbox: { $each: events.map(toStoredJson) } };
  return model
    .findOneAndUpdate({ _id: current._id, version: current.version } as never, update as never, {
      new: true,
    })
    .lean<T>()
    .exec();
}

/** How often the relay tries to remove what it published from a record that keeps changing. */
const REMOVE_ATTEMPTS = 5;

/**
 * The in-record outbox of one collection. The relay publishes each record's events in order and
 * removes those the broker confirmed with one `bulkWrite` of compare-and-sets on the records'
 * versions, so it needs no lock: a writer that changed a record meanwhile makes its removal
 * fail, and the relay reads that record again and removes what it published from the newer
 * outbox. The relay never increments the version, so it never makes a writer decide again.
 */
export class MongoOutboxStore implements OutboxStore {
  constructor(private readonly model: Model<WithOutbox>) {}

  async pending(limit: number, filter: PendingFilter = {}): Promise<OutboxSnapshot[]> {
    const query: Record<string, unknown> = { outboxPending: true };
    if (filter.mine) query.outboxWriter = WRITER;
    // Records written before `outboxSince` existed have none: they are old enough.
    if (filter.waitingSince) query.outboxSince = { $not: { $gte: filter.waitingSince } };
    const docs = await this.model
      .find(query, { version: 1, outbox: 1 })
      .limit(limit)
      .lean<WithOutbox[]>()
      .exec();
    return docs.map(snapshotOf);
  }

  async relay(
    records: OutboxSnapshot[],
    publish: (record: OutboxSnapshot, events: PendingEvent[]) => Promise<string[]>,
  ): Promise<number> {
    const published = new Set<string>();
    let removed = 0;
    let snapshots = records;
    for (let attempt = 0; attempt < REMOVE_ATTEMPTS && snapshots.length > 0; attempt += 1) {
      // Events already published in this relay are not sent again; only newer ones are.
      await Promise.all(
        snapshots.map(async (snapshot) => {
          const fresh = snapshot.events.filter((event) => !published.has(event.id));
          if (fresh.length > 0) for (const id of await publish(snapshot, fresh)) published.add(id);
        }),
      );
      const clears = snapshots
        .map((snapshot) => ({
          snapshot,
          rest: snapshot.events.filter((event) => !published.has(event.id)),
        }))
        .filter(({ snapshot, rest }) => rest.length < snapshot.events.length || rest.length === 0);
      if (clears.length === 0) break;
      // The relay never increments the version: at the same version the outbox can only have
      // shrunk (by another relay's removal), so removing from the snapshot loses nothing.
      const written = await this.model.bulkWrite(
        clears.map(({ snapshot, rest }) => ({
          updateOne: {
            filter: { _id: snapshot.recordId, version: snapshot.version },
            update: { $set: { outbox: rest.map(toStoredJson), outboxPending: rest.length > 0 } },
          },
        })),
        { ordered: false },
      );
      const cleared = (snapshot: OutboxSnapshot) =>
        snapshot.events.filter((event) => published.has(event.id)).length;
      if (written.matchedCount === clears.length) {
        for (const { snapshot } of clears) removed += cleared(snapshot);
        break;
      }
      // Some records changed meanwhile (which, the bulk result does not say): those that still
      // hold an event published here are cleared again from their newer outbox.
      const current = await Promise.all(clears.map(({ snapshot }) => this.read(snapshot.recordId)));
      snapshots = [];
      clears.forEach(({ snapshot }, index) => {
        const now = current[index];
        if (now && now.events.some((event) => published.has(event.id))) snapshots.push(now);
        else removed += cleared(snapshot);
      });
    }
    // What was published and is still there goes out again on a later relay (at least once).
    return removed;
  }

  /** The record's waiting events as they are now; null when it is gone. */
  async read(recordId: string): Promise<OutboxSnapshot | null> {
    const doc = await this.model
      .findById(recordId, { version: 1, outbox: 1 })
      .lean<WithOutbox>()
      .exec();
    return doc ? snapshotOf(doc) : null;
  }
}

/** A record's waiting events, as its writer hands them to the relay (`OutboxRelay.kick`). */
export function snapshotOf(doc: Pick<WithOutbox, '_id' | 'version' | 'outbox'>): OutboxSnapshot {
  return { recordId: doc._id, version: doc.version, events: doc.outbox.map(eventOf) };
}
