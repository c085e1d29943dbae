import { Prop, Schema } from '@nestjs/mongoose';
import { Schema as MongooseSchema, type Connection, type Model } from 'mongoose';
import type { PendingEvent } from '@slotbook/contracts';
import type { OutboxStore } from '@slotbook/messaging';
import { isDuplicateKeyError } from './mongo-errors';
import { RecordMutex } from './record-mutex';

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
 * What every record with an in-record outbox carries: its timestamps and its pending events.
 * Record schemas extend it (`SchemaFactory.createForClass` follows the class chain).
 */
@Schema()
export abstract class OutboxRecord {
  @Prop({ required: true })
  createdAt!: Date;

  @Prop({ required: true })
  updatedAt!: Date;

  @Prop({ type: [PendingEventSchema], default: [] })
  outbox!: PendingEvent[];
}

export interface WithOutbox {
  _id: string;
  outbox: PendingEvent[];
}

/** The mutex key of a record: writers and the relay take the same one. */
export function recordLockKey(collection: string, id: string): string {
  return `${collection}:${id}`;
}

/** A record with events waiting: a small collection the relay scans instead of the records. */
export interface PendingMarker {
  _id: string;
  since: Date;
}

export const PendingMarkerSchema = new MongooseSchema<PendingMarker>(
  { _id: { type: String, required: true }, since: { type: Date, required: true } },
  { versionKey: false },
);

/** A marker older than this whose record does not exist belongs to a write that never happened. */
const ORPHAN_MARKER_MS = 60_000;

/**
 * The records with events waiting, in `<collection>_outbox_pending`. Writers mark a record
 * before the write that adds its events, so the relay finds them without scanning the records
 * (a scan FerretDB cannot answer from an index), and even if the writer dies right after.
 */
export class PendingMarkers {
  private readonly markers: Model<PendingMarker>;

  constructor(connection: Connection, collection: string) {
    const name = `${collection}OutboxPending`;
    this.markers =
      connection.models[name] ??
      connection.model<PendingMarker>(name, PendingMarkerSchema, `${collection}_outbox_pending`);
  }

  /** Marks the record (idempotent). */
  async mark(recordId: string): Promise<void> {
    try {
      await this.markers.create({ _id: recordId, since: new Date() });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async list(limit: number): Promise<string[]> {
    const markers = await this.markers
      .find({}, { _id: 1 })
      .limit(limit)
      .lean<Array<{ _id: string }>>();
    return markers.map((marker) => marker._id);
  }

  async clear(recordId: string): Promise<void> {
    await this.markers.deleteOne({ _id: recordId });
  }

  /** Clears the marker of a record that does not exist, once its writer has surely given up. */
  async clearIfOrphaned(recordId: string): Promise<void> {
    const marker = await this.markers.findById(recordId).lean<PendingMarker>();
    const since = marker ? new Date(marker.since).getTime() : Date.now();
    if (Date.now() - since > ORPHAN_MARKER_MS) await this.clear(recordId);
  }
}

/** Left of a lease when the relay would write: below this, it leaves the write for a later pass. */
const LEASE_SAFETY_MS = 3_000;

/**
 * The in-record outbox: writers call {@link markPending} (see {@link PendingMarkers}) before
 * writing a record with events. The relay takes each record's mutex while it publishes and
 * removes events, so it never writes a record at the same time as the service.
 */
export class MongoOutboxStore implements OutboxStore {
  private readonly markers: PendingMarkers;

  constructor(
    private readonly model: Model<WithOutbox>,
    private readonly mutex: RecordMutex,
  ) {
    this.markers = new PendingMarkers(model.db, model.collection.name);
  }

  /** The record's lock: writers and the relay take the same one. */
  lockKey(id: string): string {
    return recordLockKey(this.model.collection.name, id);
  }

  /** Before a write that adds events to a record (idempotent). */
  async markPending(recordId: string): Promise<void> {
    await this.markers.mark(recordId);
  }

  async pending(limit: number): Promise<string[]> {
    return this.markers.list(limit);
  }

  /**
   * Publishes one record's events under the record's lock, taken just for this: nothing else
   * writes the record meanwhile, so the outbox read here is exactly what was committed, and
   * the rest of it is written back by `_id` alone (the one lookup FerretDB answers from an
   * index). If publishing ate too much of the lease, nothing is written: the events simply go
   * out again on the next pass (subscribers de-duplicate by id).
   */
  async relay(
    recordId: string,
    leaseMs: number,
    publish: (events: PendingEvent[]) => Promise<string[]>,
  ): Promise<number> {
    const acquiredAt = Date.now();
    const release = await this.mutex.tryAcquire(this.lockKey(recordId), { leaseMs, waitMs: 0 });
    if (!release) return 0;
    try {
      const doc = await this.model.findById(recordId, { outbox: 1 }).lean<WithOutbox>();
      if (!doc || doc.outbox.length === 0) {
        if (doc) await this.markers.clear(recordId);
        else await this.markers.clearIfOrphaned(recordId);
        return 0;
      }
      const published = new Set(await publish(doc.outbox));
      if (published.size === 0) return 0;
      if (Date.now() - acquiredAt > leaseMs - LEASE_SAFETY_MS) return 0;
      const rest = doc.outbox.filter((event) => !published.has(event.id));
      await this.model.updateOne({ _id: recordId }, { $set: { outbox: rest } });
      if (rest.length === 0) await this.markers.clear(recordId);
      return published.size;
    } finally {
      await release();
    }
  }
}
