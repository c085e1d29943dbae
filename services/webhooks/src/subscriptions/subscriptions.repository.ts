import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { Page } from '@slotbook/contracts';
import { afterCursor, toPage } from '@slotbook/persistence';
import { SubscriptionDocument } from './subscription.schema';

@Injectable()
export class SubscriptionsRepository {
  constructor(
    @InjectModel(SubscriptionDocument.name) private readonly model: Model<SubscriptionDocument>,
  ) {}

  async insert(doc: SubscriptionDocument): Promise<void> {
    await this.model.insertMany([doc], { lean: true });
  }

  /** How many subscriptions `ownerId` has (an equality on the indexed owner). */
  countOwned(ownerId: string): Promise<number> {
    return this.model.countDocuments({ ownerId }).exec();
  }

  findById(id: string): Promise<SubscriptionDocument | null> {
    return this.model.findById(id).lean<SubscriptionDocument>().exec();
  }

  /** Every subscription (each replica holds them all in memory, see LocalSubscriptions). */
  all(): Promise<SubscriptionDocument[]> {
    return this.model.find({}).lean<SubscriptionDocument[]>().exec();
  }

  /** One page in (createdAt, _id) order: a HOST's own (an equality), or every one for an ADMIN. */
  async list(
    ownerId: string | null,
    limit: number,
    cursor?: string,
  ): Promise<Page<SubscriptionDocument>> {
    const docs = await this.model
      .find({ ...(ownerId === null ? {} : { ownerId }), ...afterCursor('createdAt', cursor) })
      .sort({ createdAt: 1, _id: 1 })
      .limit(limit + 1)
      .lean<SubscriptionDocument[]>()
      .exec();
    return toPage(docs, limit, 'createdAt', (doc) => doc);
  }

  /** Compare-and-set on the version read; null when another writer changed it first. */
  async replace(
    current: SubscriptionDocument,
    changes: Partial<Omit<SubscriptionDocument, '_id' | 'version'>>,
  ): Promise<SubscriptionDocument | null> {
    return this.model
      .findOneAndUpdate(
        { _id: current._id, version: current.version },
        { $set: { ...changes, version: current.version + 1, updatedAt: new Date() } },
        { new: true },
      )
      .lean<SubscriptionDocument>()
      .exec();
  }

  /** A receiver answered 410 Gone: the subscription stops, whatever else changed meanwhile. */
  async deactivate(id: string): Promise<void> {
    await this.model
      .updateOne(
        { _id: id },
        { $set: { active: false, updatedAt: new Date() }, $inc: { version: 1 } },
      )
      .exec();
  }

  async delete(id: string): Promise<boolean> {
    const result = await this.model.deleteOne({ _id: id }).exec();
    return result.deletedCount === 1;
  }
}
