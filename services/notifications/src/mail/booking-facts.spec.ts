import {
  AvailabilityEvent,
  DomainError,
  ErrorCode,
  GetEventType,
  IdentityEvent,
  MailFactsSubscription,
  subscribedEventParser,
  type EventType,
  type SubscribedEvent,
  type User,
} from '@slotbook/contracts';
import type { CommandBus } from '@slotbook/messaging';
import { BookingFactsSource } from './booking-facts';
import type { MailedBooking } from './mail-plan';

const T0 = '2030-03-01T08:00:00.000Z';
const T1 = '2030-03-01T09:00:00.000Z';

function eventType(fields: Partial<EventType> = {}): EventType {
  return {
    id: 'et-1',
    hostId: 'h-1',
    host: { id: 'h-1', name: 'Hana' },
    scheduleId: 's-1',
    title: 'Intro',
    description: '',
    duration: 30,
    slotInterval: 30,
    bufferBefore: 0,
    bufferAfter: 0,
    minimumNotice: 0,
    bookingHorizonDays: 60,
    requiresConfirmation: false,
    seatsPerSlot: 1,
    public: true,
    bookingFields: [],
    minimumCancelNotice: 0,
    reminders: [60],
    createdAt: T0,
    updatedAt: T0,
    ...fields,
  };
}

function user(id: string, fields: Partial<User> = {}): User {
  return {
    id,
    email: `${id}@slotbook.test`,
    name: id === 'h-1' ? 'Hana' : 'Mo',
    role: id === 'h-1' ? 'HOST' : 'USER',
    active: true,
    timezone: 'Asia/Tokyo',
    createdAt: T0,
    updatedAt: T0,
    ...fields,
  };
}

function booking(fields: Partial<MailedBooking> = {}): MailedBooking {
  return {
    id: 'b-1',
    hostId: 'h-1',
    userId: 'u-1',
    guest: null,
    responses: {},
    eventTypeId: 'et-1',
    startTime: '2030-03-04T09:00:00.000Z',
    endTime: '2030-03-04T09:30:00.000Z',
    status: 'confirmed',
    notes: null,
    cancellationReason: null,
    sequence: 0,
    createdAt: T0,
    updatedAt: T0,
    ...fields,
  };
}

const readHeard = subscribedEventParser(MailFactsSubscription);

/** An event as the subscription hands it over (parsed against its definition). */
function heard(
  type: string,
  data: Record<string, unknown>,
): SubscribedEvent<typeof MailFactsSubscription> {
  const json = {
    id: `ev-${type}`,
    type,
    version: 1,
    occurredAt: T1,
    correlationId: 'c',
    actorId: null,
    data,
  };
  const event = readHeard(json);
  if (!event) throw new Error(`${type} is not an event of MailFactsSubscription`);
  return event;
}

/**
 * Stands in for identity and availability: answers from `state`, counting what is asked; an
 * event type's answer waits for `hold` when one is set.
 */
function services() {
  const state = {
    eventType: eventType() as EventType | null,
    users: [user('h-1'), user('u-1')],
    down: false,
    hold: null as Promise<void> | null,
  };
  const asked: string[] = [];
  const bus = {
    send: async (definition: unknown, command: { eventTypeId?: string; userIds?: string[] }) => {
      if (state.down) throw new DomainError(ErrorCode.Unavailable, 'availability is down');
      if (definition === GetEventType) {
        asked.push(`event type ${command.eventTypeId}`);
        const answer = state.eventType;
        if (state.hold) await state.hold;
        if (!answer) throw DomainError.notFound('event type');
        return answer;
      }
      asked.push(`users ${command.userIds?.join(',')}`);
      return { data: state.users.filter((one) => command.userIds?.includes(one.id)) };
    },
  } as unknown as CommandBus;
  return { state, asked, facts: new BookingFactsSource(bus) };
}

describe("notifications' copies of accounts and event types", () => {
  it('asks once for what a burst of bookings needs, then answers from the copy', async () => {
    const { asked, facts } = services();
    const all = await Promise.all([1, 2, 3].map(() => facts.of(booking())));
    await facts.of(booking({ userId: 'h-1' }));
    expect(all[0]).toEqual({
      title: 'Intro',
      reminders: [60],
      host: { name: 'Hana', email: 'h-1@slotbook.test', timeZone: 'Asia/Tokyo' },
      guest: { name: 'Mo', email: 'u-1@slotbook.test', timeZone: 'Asia/Tokyo' },
    });
    expect(asked.sort()).toEqual(['event type et-1', 'users h-1,u-1']);
  });

  it('takes a change from its event, over an older answer that arrives after it', async () => {
    const { state, facts } = services();
    let release = () => undefined as void;
    state.hold = new Promise((resolve) => (release = resolve));
    const reading = facts.of(booking());
    facts.hear(
      heard(AvailabilityEvent.EventTypeUpdated, eventType({ reminders: [15], updatedAt: T1 })),
    );
    facts.hear(
      heard(IdentityEvent.UserUpdated, {
        ...user('u-1', { timezone: 'Europe/Paris' }),
        version: 2,
      }),
    );
    release();
    const read = await reading;
    expect(read.reminders).toEqual([15]);
    expect(read.guest?.timeZone).toBe('Europe/Paris');
  });

  it('mails a deleted event type as a plain booking, whether heard or asked', async () => {
    const { state, facts } = services();
    facts.hear(heard(AvailabilityEvent.EventTypeDeleted, eventType()));
    facts.hear(heard(AvailabilityEvent.EventTypeUpdated, eventType({ updatedAt: T1 })));
    expect(await facts.of(booking())).toMatchObject({ title: 'Booking', reminders: [] });
    state.eventType = null;
    expect(await facts.of(booking({ eventTypeId: 'et-2' }))).toMatchObject({ title: 'Booking' });
  });

  it('forgets everything when its subscription is established again, and asks anew', async () => {
    const { state, asked, facts } = services();
    await facts.of(booking());
    state.eventType = eventType({ title: 'Renamed' });
    expect((await facts.of(booking())).title).toBe('Intro');
    facts.forget();
    expect((await facts.of(booking())).title).toBe('Renamed');
    expect(asked.filter((ask) => ask.startsWith('event type'))).toHaveLength(2);
  });

  it('passes on an answer it could not get (after waiting it out), and asks again next time', async () => {
    jest.useFakeTimers();
    try {
      const { state, facts } = services();
      state.down = true;
      const failed = expect(facts.of(booking())).rejects.toThrow('availability is down');
      await jest.runAllTimersAsync();
      await failed;
      state.down = false;
      expect((await facts.of(booking())).title).toBe('Intro');
    } finally {
      jest.useRealTimers();
    }
  });
});
