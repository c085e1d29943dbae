import { DomainError, type Actor } from '@slotbook/contracts';
import {
  EVERY_EVENT,
  audienceOf,
  mayManage,
  mayRead,
  ownerOfEvent,
  reaches,
  requireSubscriber,
} from './audience-rules';

const host: Actor = { id: 'host-1', role: 'HOST' };
const otherHost: Actor = { id: 'host-2', role: 'HOST' };
const admin: Actor = { id: 'admin-1', role: 'ADMIN' };
const user: Actor = { id: 'user-1', role: 'USER' };

describe('whose record an event is about', () => {
  it('a booking belongs to its host, not to its guest', () => {
    expect(ownerOfEvent({ type: 'booking.created', data: { hostId: 'host-1', userId: 'u' } })).toBe(
      'host-1',
    );
  });

  it('ranges, schedules and event types belong to their host', () => {
    for (const type of ['availability.created', 'schedule.updated', 'event-type.deleted'])
      expect(ownerOfEvent({ type, data: { id: 'x', hostId: 'host-1' } })).toBe('host-1');
  });

  it('an account belongs to itself', () => {
    expect(ownerOfEvent({ type: 'user.updated', data: { id: 'host-1', role: 'HOST' } })).toBe(
      'host-1',
    );
  });

  it('an event without a host is nobody’s', () => {
    expect(ownerOfEvent({ type: 'something.else', data: { id: 'x' } })).toBeNull();
  });
});

describe('who receives and reads which events', () => {
  it("a HOST's subscription receives only events about its own records", () => {
    const audience = audienceOf(host);
    expect(reaches(audience, 'host-1')).toBe(true);
    expect(reaches(audience, 'host-2')).toBe(false);
    expect(reaches(audience, null)).toBe(false);
  });

  it("an ADMIN's subscription receives every event", () => {
    expect(audienceOf(admin)).toBe(EVERY_EVENT);
    expect(reaches(EVERY_EVENT, 'host-2')).toBe(true);
    expect(reaches(EVERY_EVENT, null)).toBe(true);
  });

  it('a USER may neither subscribe nor read the feed', () => {
    expect(() => requireSubscriber(user)).toThrow(DomainError);
    expect(() => audienceOf(user)).toThrow(DomainError);
    expect(mayRead(user, 'user-1')).toBe(false);
  });

  it('a HOST reads its own events in the feed, an ADMIN all of them', () => {
    expect(mayRead(host, 'host-1')).toBe(true);
    expect(mayRead(otherHost, 'host-1')).toBe(false);
    expect(mayRead(admin, 'host-1')).toBe(true);
    expect(mayRead(admin, null)).toBe(true);
    expect(mayRead(host, null)).toBe(false);
  });

  it('a subscription is managed by its creator or an ADMIN', () => {
    expect(mayManage(host, 'host-1')).toBe(true);
    expect(mayManage(otherHost, 'host-1')).toBe(false);
    expect(mayManage(admin, 'host-1')).toBe(true);
    expect(mayManage(user, 'user-1')).toBe(false);
  });
});
