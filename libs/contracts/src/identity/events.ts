import { eventEnvelope } from '../common/event-envelope';
import { User } from './user';

export const IDENTITY_EXCHANGE = 'identity.events';

export const IdentityEvent = {
  UserRegistered: 'user.registered',
  UserUpdated: 'user.updated',
  UserDeactivated: 'user.deactivated',
} as const;

export const UserRegistered = eventEnvelope(IdentityEvent.UserRegistered, User);
export const UserUpdated = eventEnvelope(IdentityEvent.UserUpdated, User);
export const UserDeactivated = eventEnvelope(IdentityEvent.UserDeactivated, User);
