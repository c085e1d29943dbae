import { Injectable } from '@nestjs/common';
import { InjectModel } from '@nestjs/mongoose';
import type { Model } from 'mongoose';
import type { AuditEntry, AuditQuery, Page } from '@slotbook/contracts';
import { afterCursor, insertUnordered, toPage } from '@slotbook/persistence';
import { AuditDocument } from './audit.schema';

function toAuditEntry(doc: AuditDocument): AuditEntry {
  return {
    id: doc._id,
    action: doc.action,
    actorId: doc.actorId,
    entityType: doc.entityType,
    entityId: doc.entityId,
    requestId: doc.requestId,
    occurredAt: doc.occurredAt.toISOString(),
    ...(doc.details ? { details: doc.details } : {}),
  };
}

@Injectable()
export class AuditRepository {
  constructor(@InjectModel(AuditDocument.name) private readonly model: Model<AuditDocument>) {}

  /**
   * Records entries in one unordered write, each once: an id recorded before (a redelivered
   * event) is skipped, not an error. Written as they are (every field set by the caller, typed).
   */
  async record(entries: AuditDocument[]): Promise<void> {
    await insertUnordered(this.model, entries);
  }

  /**
   * One page in (occurredAt, _id) order, as one flat filter: an `actorId` or `entityId` filter
   * is an equality served by its index, with few matches. An `action` alone (say
   * `auth.login`) is an indexed equality too but may match a large part of the trail, and no
   * filter at all reads the whole trail: on devdb both are sorted in full (a known limit; on
   * MongoDB the (occurredAt, _id) index serves the unfiltered list).
   */
  async list(query: AuditQuery): Promise<Page<AuditEntry>> {
    const filter: Record<string, unknown> = { ...afterCursor('occurredAt', query.cursor) };
    if (query.actorId) filter.actorId = query.actorId;
    if (query.action) filter.action = query.action;
    if (query.entityId) filter.entityId = query.entityId;
    const range: Record<string, Date> = {};
    if (query.from) range.$gte = query.from;
    if (query.to) range.$lt = query.to;
    if (Object.keys(range).length > 0) filter.occurredAt = range;
    const docs = await this.model
      .find(filter)
      .sort({ occurredAt: 1, _id: 1 })
      .limit(query.limit + 1)
      .lean<AuditDocument[]>()
      .exec();
    return toPage(docs, query.limit, 'occurredAt', toAuditEntry);
  }
}
