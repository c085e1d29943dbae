import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { MailStatus, Page } from '@slotbook/contracts';
import {
  decodeCursor,
  earliestPendingBucket,
  encodeCursor,
  insertUnordered,
} from '@slotbook/persistence';
import { dueBucketOf } from './mail-plan';
import { MailDocument } from './mail.schema';

/** What the scan needs to decide whether a mail is due (not its letter). */
export type DueMail = Pick<MailDocument, '_id' | 'dueAt'>;

@Injectable()
export class MailRepository {
  constructor(@InjectModel(MailDocument.name) private readonly model: Model<MailDocument>) {}

  /**
   * Inserts mails in one unordered write; answers, for each, whether this write inserted it
   * (false: a redelivery or another replica recorded it first, and sends it).
   */
  async insertNew(docs: MailDocument[]): Promise<boolean[]> {
    const refused = new Set(await insertUnordered(this.model, docs));
    return docs.map((_, i) => !refused.has(i));
  }

  /**
   * Drops the pending reminders a booking's earlier events planned: its time or status has
   * changed since, and the event at hand plans them again if the booking is still on.
   */
  async dropRemindersBefore(bookingId: string, sequence: number): Promise<void> {
    await this.model
      .updateMany(
        { bookingId, kind: 'reminder', status: 'pending', sequence: { $lt: sequence } },
        { $set: { status: 'dropped', dueAt: null }, $unset: { dueBucket: '' } },
      )
      .exec();
  }

  /** True when a later event of the booking (a move, a confirm, a cancel) has been recorded. */
  async hasLaterEvent(bookingId: string, sequence: number): Promise<boolean> {
    return (await this.model.exists({ bookingId, sequence: { $gt: sequence } })) !== null;
  }

  /** The mails falling due in one minute: an indexed equality that only pending mails match. */
  inBucket(bucket: number): Promise<DueMail[]> {
    return this.model.find({ dueBucket: bucket }).select({ dueAt: 1 }).lean<DueMail[]>().exec();
  }

  /** The earliest minute holding a pending mail (where a starting replica's scan begins). */
  earliestPendingBucket(): Promise<number | null> {
    return earliestPendingBucket(this.model);
  }

  /**
   * Claims a due mail for one send: moves its due time to the end of the lease (a replica that
   * dies holding it leaves it due again then) and counts the attempt, which the send's outcome
   * is written against. Null when it is not due, or another replica was first.
   */
  claim(id: string, now: Date, leaseEnd: Date): Promise<MailDocument | null> {
    return this.model
      .findOneAndUpdate(
        { _id: id, status: 'pending', dueAt: { $lte: now } },
        { $set: { dueAt: leaseEnd, dueBucket: dueBucketOf(leaseEnd) }, $inc: { attempts: 1 } },
        { new: true },
      )
      .lean<MailDocument>()
      .exec();
  }

  /** Settles a claimed mail that was not sent: dropped, failed, or due again at `dueAt`. */
  async settle(
    mail: Pick<MailDocument, '_id' | 'attempts'>,
    outcome:
      | { status: 'dropped' }
      | { status: 'failed'; error: string }
      | { status: 'pending'; dueAt: Date; error: string },
  ): Promise<boolean> {
    const set: Record<string, unknown> = { status: outcome.status, dueAt: null };
    if (outcome.status === 'failed') set.lastError = outcome.error;
    if (outcome.status === 'pending') {
      Object.assign(set, {
        dueAt: outcome.dueAt,
        dueBucket: dueBucketOf(outcome.dueAt),
        lastError: outcome.error,
      });
    }
    const result = await this.model
      .updateOne(
        { _id: mail._id, status: 'pending', attempts: mail.attempts },
        outcome.status === 'pending' ? { $set: set } : { $set: set, $unset: { dueBucket: '' } },
      )
      .exec();
    return result.modifiedCount === 1;
  }

  /** Records mails as sent, many in one write (each against the attempt it was claimed with). */
  async settleSent(mails: Array<Pick<MailDocument, '_id' | 'attempts'> & { at: Date }>) {
    if (mails.length === 0) return;
    await this.model.bulkWrite(
      mails.map((mail) => ({
        updateOne: {
          filter: { _id: mail._id, status: 'pending', attempts: mail.attempts },
          update: {
            $set: { status: 'sent', dueAt: null, sentAt: mail.at, lastError: null },
            $unset: { dueBucket: '' },
          },
        },
      })),
      { ordered: false },
    );
  }

  /** The mail log, newest first. */
  async list(
    status: MailStatus | undefined,
    limit: number,
    cursor: string | undefined,
  ): Promise<Page<MailDocument>> {
    const filter: Record<string, unknown> = {};
    if (status) filter.status = status;
    if (cursor) {
      const { value: createdAt, id } = decodeCursor(cursor);
      filter.$or = [{ createdAt: { $lt: createdAt } }, { createdAt, _id: { $lt: id } }];
    }
    const docs = await this.model
      .find(filter)
      .select({ letter: 0 })
      .sort({ createdAt: -1, _id: -1 })
      .limit(limit + 1)
      .lean<MailDocument[]>()
      .exec();
    const page = docs.slice(0, limit);
    const last = page[page.length - 1];
    return {
      data: page,
      nextCursor: docs.length > limit && last ? encodeCursor(last.createdAt, last._id) : null,
    };
  }
}
