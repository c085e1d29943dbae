import { Prop, Schema } from '@nestjs/mongoose';
import { Schema as MongooseSchema, type Model } from 'mongoose';
import type { PendingEvent } from '@slotbook/contracts';
import type { OutboxSnapshot, OutboxStore } from '@slotbook/messaging';

/**
 * The outbox lives inside each record: an event is `$push`ed in the same single-document
 * update as the change it describes, so the two are atomic without transactions.
 */
export const PendingEventSchema = new MongooseSchema<PendingEvent>(
  {
    id: { type: String, required: true },
    exchange: { type: String, required: true },
    type: { type: String, required: true },
    occurredAt: { type: Date, required: true },
    correlationId: { type: String, required: true },
    actorId: { type: String, default: null },
    data: { type: MongooseSchema.Types.Mixed, required: true },
  },
  { _id: false },
);

/**
 * What every record with an in-record outbox carries: its timestamps, a version that every
 * change increments (the compare-and-set of {@link compareAndSet}), its pending events and a
 * flag the relay finds them by. Record schemas extend it (`SchemaFactory.createForClass`
 * follows the class chain) and declare the flag's index with {@link indexOutbox}.
 */
@Schema()
export abstract class OutboxRecord {
  @Prop({ required: true })
  createdAt!: Date;

  @Prop({ required: true })
  updatedAt!: Date;

  @Prop({ required: true, default: 1 })
  version!: number;

  @Prop({ type: [PendingEventSchema], default: [] })
  outbox!: PendingEvent[];

  /** True while the outbox holds events: an equality with few matches, served by an index. */
  @Prop({ required: true, default: false })
  outboxPending!: boolean;
}

/** Declares the index the relay's `{outboxPending: true}` query is served by. */
export function indexOutbox(schema: MongooseSchema): void {
  schema.index({ outboxPending: 1 });
}

export interface WithOutbox {
  _id: string;
  version: number;
  outbox: PendingEvent[];
  outboxPending: boolean;
}

/** The fields a new record's outbox starts with. */
export function initialOutbox(
  events: PendingEvent[],
): Pick<WithOutbox, 'version' | 'outbox' | 'outboxPending'> {
  return { version: 1, outbox: events, outboxPending: events.length > 0 };
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
    $set: events.length > 0 ? { ...set, outboxPending: true } : set,
    $inc: { version: 1 },
  };
  if (events.length > 0) update.$push = { outbox: { $each: events } };
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
 * The in-record outbox of one collection. The relay publishes a record's events in order and
 * removes those the broker confirmed with a compare-and-set on the record's version, so it
 * needs no lock: a writer that changed the record meanwhile makes the removal fail, and the
 * relay reads again and removes what it published from the newer outbox. The relay never
 * increments the version, so it never makes a writer decide again.
 */
export class MongoOutboxStore implements OutboxStore {
  constructor(private readonly model: Model<WithOutbox>) {}

  async pending(limit: number): Promise<OutboxSnapshot[]> {
    const docs = await this.model
      .find({ outboxPending: true }, { version: 1, outbox: 1 })
      .limit(limit)
      .lean<WithOutbox[]>()
      .exec();
    return docs.map(snapshotOf);
  }

  async relay(
    record: OutboxSnapshot,
    publish: (events: PendingEvent[]) => Promise<string[]>,
  ): Promise<number> {
    const published = new Set<string>();
    let snapshot: OutboxSnapshot | null = record;
    for (let attempt = 0; attempt < REMOVE_ATTEMPTS && snapshot; attempt += 1) {
      // Events already published in this pass are not sent again; only newer ones are.
      const fresh = snapshot.events.filter((event) => !published.has(event.id));
      if (fresh.length > 0) for (const id of await publish(fresh)) published.add(id);
      const rest = snapshot.events.filter((event) => !published.has(event.id));
      if (rest.length === snapshot.events.length && rest.length > 0) return 0;
      // The relay never increments the version: at the same version the outbox can only have
      // shrunk (by another relay's removal), so removing from the snapshot loses nothing.
      const written = await this.model
        .updateOne(
          { _id: snapshot.recordId, version: snapshot.version },
          { $set: { outbox: rest, outboxPending: rest.length > 0 } },
        )
        .exec();
      if (written.matchedCount === 1) return snapshot.events.length - rest.length;
      snapshot = await this.read(snapshot.recordId);
    }
    // The record kept changing: what was published goes out again next pass (at least once).
    return 0;
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

function snapshotOf(doc: Pick<WithOutbox, '_id' | 'version' | 'outbox'>): OutboxSnapshot {
  return { recordId: doc._id, version: doc.version, events: doc.outbox };
}
