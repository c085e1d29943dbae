import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { AnyEventEnvelope } from '@slotbook/contracts';
import { insertUnordered, isDuplicateKeyError, toStoredJson } from '@slotbook/persistence';
import { dayOf } from '../deliveries/delivery-rules';
import { FEED_BLOCK_SIZE, blockOf } from './feed-sequence';
import { FeedCounterDocument, FeedEventDocument } from './feed-event.schema';

const COUNTER_ID = 'feed';

export interface FeedState {
  reserved: number;
  settled: number;
  firstSeq: number;
}

/** The feed's storage: recording at the next position, the counter, placeholders, reads. */
@Injectable()
export class FeedRepository {
  constructor(
    @InjectModel(FeedEventDocument.name) private readonly events: Model<FeedEventDocument>,
    @InjectModel(FeedCounterDocument.name) private readonly counters: Model<FeedCounterDocument>,
  ) {}

  /** The counter exists before any event is recorded (an `$inc` on it needs no upsert race). */
  async ensureCounter(): Promise<void> {
    try {
      await this.counters.insertMany([{ _id: COUNTER_ID, reserved: 0, settled: 0, firstSeq: 1 }], {
        lean: true,
      });
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  async state(): Promise<FeedState> {
    const counter = await this.counters.findById(COUNTER_ID).lean<FeedCounterDocument>().exec();
    if (!counter) return { reserved: 0, settled: 0, firstSeq: 1 };
    return { reserved: counter.reserved, settled: counter.settled, firstSeq: counter.firstSeq };
  }

  /**
   * Records events once each, at the next positions, in two writes (take the positions, one
   * unordered insert). An event recorded before (a redelivered copy, or two copies in one
   * batch) collides on its id and is not recorded again; the position taken for it is closed.
   * An event whose position was closed while this writer stalled takes another. Answers, per
   * event, whether this call recorded it, and every position it wrote (events and placeholders).
   */
  async record(
    entries: Array<{ event: AnyEventEnvelope; ownerId: string | null }>,
    now = new Date(),
  ): Promise<{ recordedNow: boolean[]; written: number[] }> {
    const recordedNow = entries.map(() => false);
    const written: number[] = [];
    let todo = entries.map((_, i) => i);
    while (todo.length > 0) {
      const first = await this.reserve(todo.length);
      const docs = todo.map((i, k) =>
        feedEntry(entries[i]!.event, entries[i]!.ownerId, first + k, now),
      );
      let refused: number[];
      try {
        refused = await insertUnordered(this.events, docs);
      } catch (error) {
        await this.closeHoles(docs.map((doc) => doc.seq)).catch(() => undefined);
        throw error;
      }
      written.push(...docs.map((doc) => doc.seq));
      const refusedIds = refused.map((k) => docs[k]!._id);
      const recordedBefore = await this.recordedAmong(refusedIds);
      const closing: number[] = [];
      const again: number[] = [];
      todo.forEach((i, k) => {
        if (!refused.includes(k)) recordedNow[i] = true;
        else if (recordedBefore.has(docs[k]!._id)) closing.push(docs[k]!.seq);
        else again.push(i); // its position was closed as a hole: it takes another
      });
      await this.closeHoles(closing);
      todo = again;
    }
    return { recordedNow, written };
  }

  /** Which of `ids` are recorded (one query; none when there are none). */
  private async recordedAmong(ids: string[]): Promise<Set<string>> {
    if (ids.length === 0) return new Set();
    const docs = await this.events
      .find({ _id: { $in: ids } }, { _id: 1 })
      .lean<Array<{ _id: string }>>()
      .exec();
    return new Set(docs.map((doc) => doc._id));
  }

  /** Writes placeholders at empty positions; a position already written stays as it is. */
  async closeHoles(positions: number[], now = new Date()): Promise<void> {
    await insertUnordered(
      this.events,
      positions.map((seq) => ({
        _id: `hole:${seq}`,
        seq,
        seqBlock: blockOf(seq),
        recordedAt: now,
        recordedDay: dayOf(now),
      })),
    );
  }

  /**
   * Which positions in `(after, upTo]` are written (events and placeholders): an equality on
   * the block and a range within it per block, never a range alone (which devdb would answer
   * by reading every event).
   */
  async writtenIn(after: number, upTo: number): Promise<Set<number>> {
    const written = new Set<number>();
    for (let block = blockOf(after + 1); block <= blockOf(upTo); block += 1) {
      const docs = await this.events
        .find({ seqBlock: block, seq: { $gt: after, $lte: upTo } }, { seq: 1 })
        .lean<Array<{ seq: number }>>()
        .exec();
      for (const doc of docs) written.add(doc.seq);
    }
    return written;
  }

  /**
   * Moves the settled end to `to` after the writer of every position in `[from, to]` wrote
   * them, when every position before `from` is settled already (one conditional write); false
   * when it is not (another writer's positions below are still open) or was past `to`.
   */
  async settleOver(from: number, to: number): Promise<boolean> {
    const result = await this.counters
      .updateOne(
        { _id: COUNTER_ID, settled: { $gte: from - 1, $lt: to } },
        { $set: { settled: to } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  /** Moves the settled end from `from` to `to`; false when another replica moved it first. */
  async advanceSettled(from: number, to: number): Promise<boolean> {
    const result = await this.counters
      .updateOne({ _id: COUNTER_ID, settled: from }, { $set: { settled: to } })
      .exec();
    return result.modifiedCount === 1;
  }

  /** One block of the feed in `(after, upTo]`, events only, ascending. */
  async blockEvents(block: number, after: number, upTo: number): Promise<FeedEventDocument[]> {
    const docs = await this.events
      .find({ seqBlock: block, seq: { $gt: after, $lte: upTo } })
      .sort({ seq: 1 })
      .lean<FeedEventDocument[]>()
      .exec();
    return docs.filter((doc) => doc.envelope !== undefined);
  }

  /** A HOST's events in `(after, upTo]`, ascending: an equality on the owner, few matches. */
  async ownerEvents(
    ownerId: string,
    after: number,
    upTo: number,
    types: string[] | undefined,
    limit: number,
  ): Promise<FeedEventDocument[]> {
    return this.events
      .find({
        ownerId,
        seq: { $gt: after, $lte: upTo },
        ...(types ? { type: { $in: types } } : {}),
      })
      .sort({ seq: 1 })
      .limit(limit)
      .lean<FeedEventDocument[]>()
      .exec();
  }

  /** Deletes the events recorded on one day (pruning); the positions are never reused. */
  async deleteDay(day: number): Promise<number> {
    const result = await this.events.deleteMany({ recordedDay: day }).exec();
    return result.deletedCount;
  }

  /** After pruning: moves `firstSeq` past the blocks that are now empty. */
  async advanceFirstSeq(): Promise<void> {
    const state = await this.state();
    let block = blockOf(state.firstSeq);
    while (block < blockOf(state.settled) && !(await this.events.exists({ seqBlock: block })))
      block += 1;
    const firstSeq = Math.max(state.firstSeq, block * FEED_BLOCK_SIZE);
    if (firstSeq > state.firstSeq)
      await this.counters
        .updateOne({ _id: COUNTER_ID, firstSeq: state.firstSeq }, { $set: { firstSeq } })
        .exec();
  }

  /** Takes `count` positions (one atomic `$inc`): answers the first of them. */
  private async reserve(count: number): Promise<number> {
    const counter = await this.counters
      .findOneAndUpdate({ _id: COUNTER_ID }, { $inc: { reserved: count } }, { new: true })
      .lean<FeedCounterDocument>()
      .exec();
    if (!counter) throw new Error('the feed counter is missing');
    return counter.reserved - count + 1;
  }
}

function feedEntry(
  event: AnyEventEnvelope,
  ownerId: string | null,
  seq: number,
  now: Date,
): FeedEventDocument {
  return {
    _id: event.id,
    seq,
    seqBlock: blockOf(seq),
    ...(ownerId === null ? {} : { ownerId }),
    type: event.type,
    envelope: toStoredJson(event),
    recordedAt: now,
    recordedDay: dayOf(now),
  };
}
