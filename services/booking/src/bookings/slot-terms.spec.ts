import { DomainError, ErrorCode, type HostTerms, type TermsRange } from '@slotbook/contracts';
import {
  CHANGING,
  NOT_AN_EVENT_TYPE_SLOT,
  NOT_A_SLOT,
  eventTypeSlotTerms,
  rangeSlotTerms,
} from './slot-terms';

const MINUTE = 60_000;
const DAY = 86_400_000;

function thrown(action: () => unknown): DomainError {
  try {
    action();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

function termsOf(fields: Partial<HostTerms>): HostTerms {
  return {
    hostId: 'h1',
    version: 3,
    bookable: true,
    ranges: [],
    schedules: [],
    eventTypes: [],
    ...fields,
  };
}

describe("a slot of the host's ranges", () => {
  const NOW = new Date('2030-01-01T00:00:00Z');
  const at = (minutes: number) => new Date(NOW.getTime() + DAY + minutes * MINUTE);
  const range = (id: string, from: number, to: number, slotDuration = 30): TermsRange => ({
    id,
    start: at(from).getTime(),
    end: at(to).getTime(),
    slotDuration,
    requiresConfirmation: id === 'b',
    closedUntil: null,
  });
  const terms = termsOf({ ranges: [range('a', 0, 100, 30), range('b', 100, 160, 60)] });

  it('answers the range, the end and the status of an aligned whole slot', () => {
    expect(rangeSlotTerms(terms, at(30), NOW)).toEqual({
      hostId: 'h1',
      endTime: at(60),
      requiresConfirmation: false,
      rangeId: 'a',
      eventTypeId: null,
      buffers: { bufferBefore: 0, bufferAfter: 0 },
      public: false,
      bookingFields: [],
      seatsPerSlot: 1,
    });
    expect(rangeSlotTerms(terms, at(100), NOW)).toMatchObject({
      endTime: at(160),
      requiresConfirmation: true,
      rangeId: 'b',
    });
  });

  it.each([
    ['off the grid', 15],
    ['the partial tail', 90],
    ['before every range', -30],
    ['after every range', 160],
  ])('refuses a start %s with 422 on startTime', (_, minutes) => {
    const error = thrown(() => rangeSlotTerms(terms, at(minutes), NOW));
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.message).toBe(NOT_A_SLOT);
    expect(error.details?.errors).toEqual([{ path: 'startTime', message: NOT_A_SLOT }]);
  });

  it('answers 409 while the range is closed by a change, and normally once it opens', () => {
    const closedUntil = NOW.getTime() + 5_000;
    const changing = termsOf({ ranges: [{ ...terms.ranges[0]!, closedUntil }, terms.ranges[1]!] });
    const error = thrown(() => rangeSlotTerms(changing, at(30), NOW));
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(error.message).toBe(CHANGING);
    expect(rangeSlotTerms(changing, at(100), NOW).rangeId).toBe('b');
    expect(rangeSlotTerms(changing, at(30), new Date(closedUntil)).rangeId).toBe('a');
  });

  it('answers 404 for a host that cannot be booked', () => {
    const error = thrown(() => rangeSlotTerms({ ...terms, bookable: false }, at(30), NOW));
    expect(error.code).toBe(ErrorCode.NotFound);
  });
});

describe('a slot of an event type', () => {
  const NOW = new Date('2026-06-01T08:00:00Z'); // a Monday
  // Monday 2026-06-08 in Berlin (CEST, +02:00): hours 09:00–12:00 are 07:00Z–10:00Z.
  const shape = {
    id: 'e1',
    scheduleId: 's1',
    duration: 30,
    slotInterval: 30,
    bufferBefore: 5,
    bufferAfter: 10,
    minimumNotice: 0,
    bookingHorizonDays: 60,
    requiresConfirmation: false,
    title: 'Intro call',
    public: false,
    bookingFields: [],
    minimumCancelNotice: 0,
    seatsPerSlot: 1,
  };
  const terms = (fields: Partial<typeof shape> = {}) =>
    termsOf({
      schedules: [
        {
          id: 's1',
          timeZone: 'Europe/Berlin',
          weekly: [
            { day: 'MON', start: '09:00', end: '12:00' },
            { day: 'TUE', start: '13:00', end: '17:00' },
          ],
          overrides: [],
        },
      ],
      eventTypes: [{ ...shape, ...fields }],
    });
  const start = (iso: string) => new Date(iso);
  const refusal = (t: HostTerms, iso: string, now = NOW) => {
    const error = thrown(() => eventTypeSlotTerms(t, 'e1', start(iso), now));
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.details?.errors).toEqual([expect.objectContaining({ path: 'startTime' })]);
    return error.details?.errors?.[0]?.message;
  };

  it('answers the slot: start + duration on the schedule in its zone, with its buffers', () => {
    expect(eventTypeSlotTerms(terms(), 'e1', start('2026-06-08T09:30:00+02:00'), NOW)).toEqual({
      hostId: 'h1',
      endTime: new Date('2026-06-08T08:00:00Z'),
      requiresConfirmation: false,
      public: false,
      bookingFields: [],
      seatsPerSlot: 1,
      rangeId: null,
      eventTypeId: 'e1',
      buffers: { bufferBefore: 5, bufferAfter: 10 },
    });
  });

  it('refuses a start off the grid, outside the hours, or whose slot ends after them', () => {
    expect(refusal(terms(), '2026-06-08T09:10:00+02:00')).toBe(NOT_AN_EVENT_TYPE_SLOT);
    expect(refusal(terms(), '2026-06-08T08:30:00+02:00')).toBe(NOT_AN_EVENT_TYPE_SLOT);
    expect(refusal(terms({ duration: 60 }), '2026-06-08T11:30:00+02:00')).toBe(
      NOT_AN_EVENT_TYPE_SLOT,
    );
    // 09:00 UTC would be 11:00 in Berlin; the hours are Berlin's, not UTC's.
    expect(refusal(terms(), '2026-06-08T12:00:00Z')).toBe(NOT_AN_EVENT_TYPE_SLOT);
  });

  it('refuses a start that has begun, and one inside the minimum notice', () => {
    const now = new Date('2026-06-08T07:45:00Z');
    expect(refusal(terms(), '2026-06-08T09:30:00+02:00', now)).toMatch(/already started/);
    const notice = terms({ minimumNotice: 60 });
    expect(refusal(notice, '2026-06-08T10:30:00+02:00', now)).toMatch(/minimum notice/);
    expect(eventTypeSlotTerms(notice, 'e1', start('2026-06-08T11:00:00+02:00'), now)).toBeTruthy();
  });

  it('refuses a start at or beyond the booking horizon, counted in days from now', () => {
    const now = new Date('2026-06-01T07:30:00Z');
    const horizon = terms({ bookingHorizonDays: 7 });
    // Exactly 7 days after now is out; the slot before it (09:00 in Berlin) is in.
    expect(refusal(horizon, '2026-06-08T07:30:00Z', now)).toMatch(/horizon/);
    expect(eventTypeSlotTerms(horizon, 'e1', start('2026-06-08T07:00:00Z'), now)).toBeTruthy();
  });

  it('answers 404 for an unknown event type or a host that cannot be booked', () => {
    const at = start('2026-06-08T09:30:00+02:00');
    expect(thrown(() => eventTypeSlotTerms(terms(), 'e2', at, NOW)).code).toBe(ErrorCode.NotFound);
    const closed = { ...terms(), bookable: false };
    expect(thrown(() => eventTypeSlotTerms(closed, 'e1', at, NOW)).code).toBe(ErrorCode.NotFound);
  });
});
