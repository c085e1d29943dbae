import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import type { Booking } from '@slotbook/contracts';
import {
  bookingCalendarFile,
  calendarEntryOf,
  feedCalendarFile,
  type CalendarEntry,
} from './booking-calendar';

// Read back with ical.js, another library than the one that writes, so that the files are
// checked as any calendar client would read them, not as their writer meant them.

const host = { name: 'Hana Host', email: 'hana@slotbook.test' };
const member = { name: 'Max Member', email: 'max@slotbook.test' };

function booking(fields: Partial<Booking> = {}): Booking {
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
    createdAt: '2030-02-01T08:00:00.000Z',
    updatedAt: '2030-02-02T08:00:00.000Z',
    ...fields,
  };
}

function entry(fields: Partial<Booking> = {}, extra: Partial<CalendarEntry> = {}): CalendarEntry {
  return {
    booking: booking(fields),
    title: 'Intro call',
    organizer: host,
    attendee: member,
    ...extra,
  };
}

function parse(text: string): ICAL.Component {
  return new ICAL.Component(ICAL.parse(text));
}

function events(text: string): ICAL.Component[] {
  return parse(text).getAllSubcomponents('vevent');
}

function only(text: string): ICAL.Component {
  const found = events(text);
  expect(found).toHaveLength(1);
  return found[0];
}

function instant(event: ICAL.Component, name: 'dtstart' | 'dtend' | 'dtstamp'): string {
  return (event.getFirstPropertyValue(name) as ICAL.Time).toJSDate().toISOString();
}

function person(event: ICAL.Component, name: 'organizer' | 'attendee') {
  return event.getAllProperties(name).map((property) => ({
    name: property.getParameter('cn'),
    address: String(property.getFirstValue()).toLowerCase(),
  }));
}

describe('the calendar file of a booking', () => {
  it('is an RFC 5545 request with one event: uid, sequence, stamp, UTC times, title and people', () => {
    const text = bookingCalendarFile(entry({ sequence: 3 }));
    const calendar = parse(text);
    expect(calendar.getFirstPropertyValue('version')).toBe('2.0');
    expect(calendar.getFirstPropertyValue('prodid')).toEqual(expect.stringContaining('Slotbook'));
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    const event = only(text);
    expect(event.getFirstPropertyValue('uid')).toBe('b-1@slotbook');
    expect(event.getFirstPropertyValue('sequence')).toBe(3);
    expect(instant(event, 'dtstamp')).toBe('2030-02-02T08:00:00.000Z');
    expect(instant(event, 'dtstart')).toBe('2030-03-04T09:00:00.000Z');
    expect(instant(event, 'dtend')).toBe('2030-03-04T09:30:00.000Z');
    expect(event.getFirstPropertyValue('summary')).toBe('Intro call');
    expect(person(event, 'organizer')).toEqual([
      { name: 'Hana Host', address: 'mailto:hana@slotbook.test' },
    ]);
    expect(person(event, 'attendee')).toEqual([
      { name: 'Max Member', address: 'mailto:max@slotbook.test' },
    ]);
    expect(event.getFirstPropertyValue('status')).toBe('CONFIRMED');
  });

  it('writes its times in UTC with Z, never with a TZID or a VTIMEZONE', () => {
    const text = bookingCalendarFile(entry());
    expect(text).toMatch(/^DTSTART:20300304T090000Z\r$/m);
    expect(text).toMatch(/^DTEND:20300304T093000Z\r$/m);
    expect(text).not.toMatch(/TZID|VTIMEZONE/);
  });

  it('is tentative while the booking is pending', () => {
    const event = only(bookingCalendarFile(entry({ status: 'pending' })));
    expect(event.getFirstPropertyValue('status')).toBe('TENTATIVE');
  });

  it('is a cancel message once the booking is cancelled', () => {
    const text = bookingCalendarFile(entry({ status: 'cancelled', sequence: 2 }));
    expect(parse(text).getFirstPropertyValue('method')).toBe('CANCEL');
    const event = only(text);
    expect(event.getFirstPropertyValue('status')).toBe('CANCELLED');
    expect(event.getFirstPropertyValue('uid')).toBe('b-1@slotbook');
    expect(event.getFirstPropertyValue('sequence')).toBe(2);
  });

  it('escapes commas, semicolons and line breaks in the title, and quotes names', () => {
    const text = bookingCalendarFile(
      entry(
        {},
        {
          title: 'Checkup; teeth, gums\nand a chat',
          organizer: { name: 'Doe, Jane; DDS', email: 'jane@slotbook.test' },
          attendee: { name: 'Ann\r\nOther "Annie"', email: 'ann@slotbook.test' },
        },
      ),
    );
    const event = only(text);
    expect(event.getFirstPropertyValue('summary')).toBe('Checkup; teeth, gums\nand a chat');
    expect(person(event, 'organizer')).toEqual([
      { name: 'Doe, Jane; DDS', address: 'mailto:jane@slotbook.test' },
    ]);
    // A parameter value cannot hold a line break or a double quote (RFC 5545 §3.1).
    expect(person(event, 'attendee')).toEqual([
      { name: "Ann Other 'Annie'", address: 'mailto:ann@slotbook.test' },
    ]);
  });

  it('keeps a long title whole across folded lines, multi-byte characters included', () => {
    const title = 'Überprüfung der Zähne 🦷 '.repeat(8).trim();
    const text = bookingCalendarFile(entry({}, { title }));
    expect(text.split('\r\n').every((line) => Buffer.byteLength(line) <= 75)).toBe(true);
    expect(only(text).getFirstPropertyValue('summary')).toBe(title);
  });

  it("reads back the same instants for a booking on Europe/Berlin's fall-back day", () => {
    // 2030-10-27 02:30 happens twice in Berlin: in summer time (+02:00), then in winter time.
    const startTime = '2030-10-27T00:30:00.000Z';
    const endTime = '2030-10-27T01:30:00.000Z';
    const berlin = (iso: string) => DateTime.fromISO(iso).setZone('Europe/Berlin').toISO();
    expect(berlin(startTime)).toBe('2030-10-27T02:30:00.000+02:00');
    expect(berlin(endTime)).toBe('2030-10-27T02:30:00.000+01:00');
    const event = only(
      bookingCalendarFile(
        entry(
          { startTime, endTime, userId: null },
          {
            attendee: { name: 'Gast', email: 'gast@slotbook.test' },
          },
        ),
      ),
    );
    expect(instant(event, 'dtstart')).toBe('2030-10-27T00:30:00.000Z');
    expect(instant(event, 'dtend')).toBe('2030-10-27T01:30:00.000Z');
  });
});

describe('the entry of a booking', () => {
  const users = new Map([
    ['h-1', host],
    ['u-1', member],
  ]);
  const intro = { id: 'et-1', title: 'Intro call', duration: 30, minimumCancelNotice: 0 };
  const withEventType = (
    fields: Partial<Booking> = {},
    eventType: typeof intro | null = intro,
  ) => ({
    ...booking(fields),
    eventType,
  });

  it("names the event type's title, the host as organizer and the member as attendee", () => {
    expect(calendarEntryOf(withEventType(), users)).toMatchObject({
      title: 'Intro call',
      organizer: host,
      attendee: member,
    });
  });

  it('is "Booking" for a slot of a range, and for an event type whose title is gone', () => {
    expect(calendarEntryOf(withEventType({ eventTypeId: null }, null), users).title).toBe(
      'Booking',
    );
    expect(calendarEntryOf(withEventType({ eventTypeId: 'et-gone' }, null), users).title).toBe(
      'Booking',
    );
  });

  it("makes a guest's booking's guest its attendee", () => {
    const guest = { name: 'Gil Guest', email: 'gil@slotbook.test', timeZone: 'Europe/Berlin' };
    const made = calendarEntryOf(withEventType({ userId: null, guest }), users);
    expect(made.attendee).toMatchObject({ name: 'Gil Guest', email: 'gil@slotbook.test' });
  });
});

describe("a host's feed", () => {
  it('lists one event per booking, without a method', () => {
    const text = feedCalendarFile([
      entry({ id: 'b-1' }),
      entry({
        id: 'b-2',
        eventTypeId: null,
        startTime: '2030-03-05T09:00:00.000Z',
        endTime: '2030-03-05T09:30:00.000Z',
        status: 'pending',
        sequence: 1,
      }),
    ]);
    expect(parse(text).getFirstPropertyValue('method')).toBeNull();
    expect(
      events(text).map((event) => ({
        uid: event.getFirstPropertyValue('uid'),
        start: instant(event, 'dtstart'),
        sequence: event.getFirstPropertyValue('sequence'),
        status: event.getFirstPropertyValue('status'),
      })),
    ).toEqual([
      { uid: 'b-1@slotbook', start: '2030-03-04T09:00:00.000Z', sequence: 0, status: 'CONFIRMED' },
      { uid: 'b-2@slotbook', start: '2030-03-05T09:00:00.000Z', sequence: 1, status: 'TENTATIVE' },
    ]);
  });

  it('shows a seated slot as one event with an attendee per seat, under its first seat', () => {
    const other = { name: 'Olga Other', email: 'olga@slotbook.test' };
    const text = feedCalendarFile([
      entry({ id: 'b-9', createdAt: '2030-02-03T08:00:00.000Z' }, { attendee: other }),
      entry({ id: 'b-1' }),
    ]);
    const event = only(text);
    expect(event.getFirstPropertyValue('uid')).toBe('b-1@slotbook');
    expect(person(event, 'attendee').map((attendee) => attendee.name)).toEqual([
      'Max Member',
      'Olga Other',
    ]);
  });

  it('is an empty calendar when there is nothing to show', () => {
    const text = feedCalendarFile([]);
    expect(parse(text).getFirstPropertyValue('version')).toBe('2.0');
    expect(events(text)).toEqual([]);
  });
});
