import type { User } from '@slotbook/contracts';
import type { UserDocument } from './user.schema';

/** A user's own fields, without the outbox bookkeeping every record carries. */
export type UserFields = Omit<UserDocument, 'version' | 'outbox' | 'outboxPending'>;

export function toUser(doc: UserFields): User {
  return {
    id: doc._id,
    email: doc.email,
    name: doc.name,
    role: doc.role,
    active: doc.active,
    timezone: doc.timezone,
    createdAt: doc.createdAt.toISOString(),
    updatedAt: doc.updatedAt.toISOString(),
  };
}
