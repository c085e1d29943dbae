import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { AnyEventEnvelope } from '@slotbook/contracts';
import { isDuplicateKeyError } from '@slotbook/persistence';
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
  private readonly reservers: Array<{
    resolve: (seq: number) => void;
    reject: (error: unknown) => void;
  }> = [];
  private reserving = false;

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

  async isRecorded(eventId: string): Promise<boolean> {
    return (await this.events.exists({ _id: eventId })) !== null;
  }

  /**
   * Records an event once, at the next position: two writes (take a position, insert). A
   * redelivered event collides on its id and is not recorded again; the position its writer
   * took for it is closed at once. A position that was closed while this writer stalled makes
   * it take another. Answers whether this call recorded it (false: it was recorded before).
   */
  async record(
    event: AnyEventEnvelope,
    ownerId: string | null,
    now = new Date(),
  ): Promise<boolean> {
    for (;;) {
      const seq = await this.reserve();
      try {
        await this.events.insertMany(
          [
            {
              _id: event.id,
              seq,
              seqBlock: blockOf(seq),
              ...(ownerId === null ? {} : { ownerId }),
              type: event.type,
              envelope: event,
              recordedAt: now,
              recordedDay: dayOf(now),
            },
          ],
          { lean: true },
        );
        return true;
      } catch (error) {
        if (!isDuplicateKeyError(error)) {
          await this.closeHole(seq).catch(() => undefined);
          throw error;
        }
        if (await this.isRecorded(event.id)) {
          await this.closeHole(seq);
          return false;
        }
      }
    }
  }

  /** Writes a placeholder at an empty position; a position already written stays as it is. */
  async closeHole(seq: number, now = new Date()): Promise<void> {
    try {
      await this.events.insertMany(
        [
          {
            _id: `hole:${seq}`,
            seq,
            seqBlock: blockOf(seq),
            recordedAt: now,
            recordedDay: dayOf(now),
          },
        ],
        { lean: true },
      );
    } catch (error) {
      if (!isDuplicateKeyError(error)) throw error;
    }
  }

  /**
   * Which of `positions` are written: one indexed equality on the unique `seq` per position
   * (never a range, which devdb would answer by reading every event).
   */
  async writtenAmong(positions: number[]): Promise<Set<number>> {
    const found = await Promise.all(
      positions.map(async (seq) => ((await this.events.exists({ seq })) === null ? null : seq)),
    );
    return new Set(found.filter((seq): seq is number => seq !== null));
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

  /**
   * The next position. Callers that ask while a reservation is on its way to the counter are
   * served together by the next one (`$inc` by how many they are), so a burst of events costs
   * one write to the counter, not one each in a line behind its lock.
   */
  private reserve(): Promise<number> {
    return new Promise((resolve, reject) => {
      this.reservers.push({ resolve, reject });
      if (!this.reserving) void this.reserveForWaiting();
    });
  }

  private async reserveForWaiting(): Promise<void> {
    this.reserving = true;
    while (this.reservers.length > 0) {
      const batch = this.reservers.splice(0);
      try {
        const counter = await this.counters
          .findOneAndUpdate(
            { _id: COUNTER_ID },
            { $inc: { reserved: batch.length } },
            { new: true },
          )
          .lean<FeedCounterDocument>()
          .exec();
        if (!counter) throw new Error('the feed counter is missing');
        const first = counter.reserved - batch.length + 1;
        batch.forEach((reserver, i) => reserver.resolve(first + i));
      } catch (error) {
        batch.forEach((reserver) => reserver.reject(error));
      }
    }
    this.reserving = false;
  }
}
