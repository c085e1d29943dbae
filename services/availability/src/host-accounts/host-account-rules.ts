import type { Role } from '@slotbook/contracts';

/** What availability knows of a host's account, from identity's events about it. */
export interface HostAccount {
  role: Role;
  active: boolean;
  /** The account's revision in identity (+1 per change). */
  version: number;
  /**
   * The account's display name, as booking pages show the host; absent from accounts recorded
   * before names were kept.
   */
  name?: string;
}

/**
 * Only an active HOST can be booked. An account availability has heard nothing about is taken
 * as bookable: it is a host whose registration (version 1) made no record here, since
 * nothing but a HOST can publish availability; every later change of any account is recorded.
 */
export function isBookable(account: HostAccount | null): boolean {
  return account === null || (account.role === 'HOST' && account.active);
}

/**
 * Whether an event about the account says something newer than what is stored. Events come at
 * least once and, across replicas and redeliveries, in any order, so the account's version
 * decides, never the order of arrival. With nothing stored, a HOST's registration (version 1)
 * is recorded for the host's name; any other registration needs no record: it says nothing
 * {@link isBookable} does not assume, and nothing older can follow.
 */
export function supersedes(incoming: HostAccount, stored: HostAccount | null): boolean {
  if (stored === null) return incoming.version > 1 || incoming.role === 'HOST';
  return incoming.version > stored.version;
}
