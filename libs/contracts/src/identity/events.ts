import { z } from 'zod';
import { defineEvent } from '../common/event';
import { User } from './user';

export const IDENTITY_EXCHANGE = 'identity.events';

export const IdentityEvent = {
  UserRegistered: 'user.registered',
  UserUpdated: 'user.updated',
  UserDeactivated: 'user.deactivated',
} as const;

/**
 * A user as its events carry it: the record and its revision. The revision grows by one with
 * every change of the account, so a subscriber keeps the highest it has seen: events arrive at
 * least once and, across competing consumers or redeliveries, not always in order.
 */
export const UserEventRecord = User.extend({
  version: z.number().int().min(1).describe('the revision of the account, +1 per change'),
});
export type UserEventRecord = z.infer<typeof UserEventRecord>;

export const UserRegistered = defineEvent({
  exchange: IDENTITY_EXCHANGE,
  type: IdentityEvent.UserRegistered,
  summary: 'An account was created.',
  data: UserEventRecord,
});
export const UserUpdated = defineEvent({
  exchange: IDENTITY_EXCHANGE,
  type: IdentityEvent.UserUpdated,
  summary: 'A profile, role or active flag changed.',
  data: UserEventRecord,
});
export const UserDeactivated = defineEvent({
  exchange: IDENTITY_EXCHANGE,
  type: IdentityEvent.UserDeactivated,
  summary: 'An admin deactivated an account.',
  data: UserEventRecord,
});

export const IDENTITY_EVENTS = [UserRegistered, UserUpdated, UserDeactivated] as const;

/** Any of identity's events about an account, told apart by `type`. */
export const UserEvent = z.discriminatedUnion('type', [
  UserRegistered.envelope,
  UserUpdated.envelope,
  UserDeactivated.envelope,
]);
export type UserEvent = z.infer<typeof UserEvent>;
