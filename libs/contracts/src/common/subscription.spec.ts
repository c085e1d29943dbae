import { UserRegistered } from '../identity/events';
import { BookingCreated } from '../booking/events';
import { EventTypeDeleted } from '../availability/events';
import { defineSubscription, subscribedEventParser } from './subscription';

const accounts = defineSubscription({ queue: 'test.accounts', events: [UserRegistered] });
const store = defineSubscription({
  queue: 'test.store',
  events: [UserRegistered, BookingCreated],
  asPublished: true,
});

function envelope(type: string, data: Record<string, unknown>) {
  return {
    id: 'ev-1',
    type,
    version: 1,
    occurredAt: '2030-03-01T09:00:00.000Z',
    correlationId: 'c-1',
    actorId: null,
    data,
  };
}

const account = {
  id: 'u-1',
  email: 'u-1@slotbook.test',
  name: 'Mo',
  role: 'USER',
  active: true,
  timezone: 'Asia/Tokyo',
  createdAt: '2030-03-01T08:00:00.000Z',
  updatedAt: '2030-03-01T08:00:00.000Z',
  version: 1,
};

describe('a subscription hands its handler', () => {
  it('each of its events parsed against that event’s definition', () => {
    const read = subscribedEventParser(accounts);
    const event = read(envelope(UserRegistered.type, { ...account, extra: 'dropped' }));
    expect(event?.type).toBe('user.registered');
    expect(event?.data).toEqual(account);
  });

  it('nothing for an event of a type it does not take (left by an older binding)', () => {
    const read = subscribedEventParser(accounts);
    expect(read(envelope(EventTypeDeleted.type, { id: 'et-1' }))).toBeUndefined();
  });

  it('a refusal for an event that is not what its type says', () => {
    const read = subscribedEventParser(accounts);
    expect(() => read(envelope(UserRegistered.type, { id: 'u-1' }))).toThrow();
    expect(() => read({ type: UserRegistered.type })).toThrow();
  });

  it('as published: the envelope as it came, whatever its data', () => {
    const read = subscribedEventParser(store);
    const sent = envelope('booking.created', { id: 'b-1', field: 'kept' });
    expect(read(sent)).toEqual(sent);
    expect(read(envelope('something.new', { a: 1 }))).toMatchObject({ type: 'something.new' });
    expect(() => read({ ...sent, version: 2 })).toThrow();
  });
});
