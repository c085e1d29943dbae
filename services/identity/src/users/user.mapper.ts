import type { User } from '@slotbook/contracts';
import type { UserDocument } from './user.schema';

export function toUser(doc: UserDocument): User {
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
