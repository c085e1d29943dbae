import { DomainError, ErrorCode, type Actor } from '@slotbook/contracts';
import {
  MAX_EVENT_TYPES_PER_HOST,
  MAX_SCHEDULES_PER_HOST,
  assertMayWrite,
  assertRoomFor,
  assertScheduleUnused,
  eventTypeIn,
  mayChange,
  newEventType,
  newSchedule,
  patchedEventType,
  patchedSchedule,
  scheduleCreator,
  scheduleIn,
  type EventTypeEntry,
  type ScheduleEntry,
} from './schedule-rules';

const NOW = new Date('2026-06-01T08:00:00Z'); // a Monday
const LATER = new Date('2026-06-02T08:00:00Z');
const actor = (role: Actor['role'], id = `${role.toLowerCase()}-1`): Actor => ({ id, role });

const schedule = (id = 's1', overrides: Partial<ScheduleEntry> = {}): ScheduleEntry => ({
  ...newSchedule(
    id,
    {
      name: 'Office hours',
      timeZone: 'Europe/Berlin',
      weekly: [
        { day: 'MON', start: '09:00', end: '12:00' },
        { day: 'TUE', start: '13:00', end: '17:00' },
      ],
      overrides: [],
    },
    NOW,
  ),
  ...overrides,
});

const eventType = (id = 'e1', scheduleId = 's1', fields: Partial<EventTypeEntry> = {}) => ({
  ...newEventType(
    id,
    {
      scheduleId,
      title: 'Intro call',
      duration: 30,
      bufferBefore: 0,
      bufferAfter: 0,
      minimumNotice: 0,
      bookingHorizonDays: 60,
      requiresConfirmation: false,
      public: false,
      description: '',
      bookingFields: [],
      minimumCancelNotice: 0,
      seatsPerSlot: 1,
    },
    NOW,
  ),
  ...fields,
});

function domainError(work: () => unknown): DomainError {
  try {
    work();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('who may write schedules and event types', () => {
  it('lets a HOST and an ADMIN write, and refuses a USER with 403', () => {
    expect(() => assertMayWrite(actor('HOST'))).not.toThrow();
    expect(() => assertMayWrite(actor('ADMIN'))).not.toThrow();
    expect(domainError(() => assertMayWrite(actor('USER'))).code).toBe(ErrorCode.Forbidden);
  });

  it('lets the owner and any ADMIN change a host’s records, nobody else', () => {
    expect(mayChange(actor('HOST', 'h1'), 'h1')).toBe(true);
    expect(mayChange(actor('ADMIN', 'a1'), 'h1')).toBe(true);
    expect(mayChange(actor('HOST', 'h2'), 'h1')).toBe(false);
    // A USER is never an owner, even of an id that happens to be theirs.
    expect(mayChange(actor('USER', 'h1'), 'h1')).toBe(false);
  });

  it("creates a HOST's own schedule, with or without naming themselves", () => {
    expect(scheduleCreator(actor('HOST', 'h1'), undefined)).toBe('h1');
    expect(scheduleCreator(actor('HOST', 'h1'), 'h1')).toBe('h1');
  });

  it('refuses a HOST naming another host (403), and a USER (403)', () => {
    expect(domainError(() => scheduleCreator(actor('HOST', 'h1'), 'h2')).code).toBe(
      ErrorCode.Forbidden,
    );
    expect(domainError(() => scheduleCreator(actor('USER'), undefined)).code).toBe(
      ErrorCode.Forbidden,
    );
  });

  it('needs hostId from an ADMIN (422 on hostId) and takes it when given', () => {
    const error = domainError(() => scheduleCreator(actor('ADMIN'), undefined));
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.details?.errors).toEqual([expect.objectContaining({ path: 'hostId' })]);
    expect(scheduleCreator(actor('ADMIN'), 'h9')).toBe('h9');
  });
});

describe('finding and keeping records', () => {
  it('answers 404 for a schedule or event type the host does not have', () => {
    expect(scheduleIn([schedule('s1')], 's1').id).toBe('s1');
    expect(domainError(() => scheduleIn([schedule('s1')], 's2')).code).toBe(ErrorCode.NotFound);
    expect(eventTypeIn([eventType('e1')], 'e1').id).toBe('e1');
    expect(domainError(() => eventTypeIn([eventType('e1')], 'e2')).code).toBe(ErrorCode.NotFound);
  });

  it('refuses to delete a schedule while an event type uses it, naming those that do (409)', () => {
    const users = [eventType('e1', 's1'), eventType('e2', 's2'), eventType('e3', 's1')];
    const error = domainError(() => assertScheduleUnused(users, 's1'));
    expect(error.code).toBe(ErrorCode.Conflict);
    expect(error.details).toMatchObject({ eventTypeIds: ['e1', 'e3'] });
    expect(() => assertScheduleUnused(users, 's3')).not.toThrow();
    expect(() => assertScheduleUnused([], 's1')).not.toThrow();
  });

  it('keeps at most the set number of schedules and event types per host (409 beyond)', () => {
    const full = {
      schedules: Array.from({ length: MAX_SCHEDULES_PER_HOST }, (_, i) => schedule(`s${i}`)),
      eventTypes: Array.from({ length: MAX_EVENT_TYPES_PER_HOST }, (_, i) => eventType(`e${i}`)),
    };
    expect(domainError(() => assertRoomFor('schedules', full)).code).toBe(ErrorCode.Conflict);
    expect(domainError(() => assertRoomFor('eventTypes', full)).code).toBe(ErrorCode.Conflict);
    const roomy = { schedules: full.schedules.slice(1), eventTypes: full.eventTypes.slice(1) };
    expect(() => assertRoomFor('schedules', roomy)).not.toThrow();
    expect(() => assertRoomFor('eventTypes', roomy)).not.toThrow();
  });
});

describe('creating and changing', () => {
  it('defaults slotInterval to duration, and keeps one that is given', () => {
    expect(eventType().slotInterval).toBe(30);
    const given = newEventType(
      'e2',
      { ...eventType(), slotInterval: 15, scheduleId: 's1', title: 'x' },
      NOW,
    );
    expect(given.slotInterval).toBe(15);
  });

  it('replaces the fields a schedule PATCH gives, a list wholly, and bumps updatedAt only', () => {
    const before = schedule('s1', {
      overrides: [{ date: '2026-06-08', intervals: [] }],
    });
    const after = patchedSchedule(
      before,
      { weekly: [{ day: 'WED', start: '10:00', end: '11:00' }] },
      LATER,
    );
    expect(after).toEqual({
      ...before,
      weekly: [{ day: 'WED', start: '10:00', end: '11:00' }],
      updatedAt: LATER,
    });
    expect(patchedSchedule(before, { overrides: [] }, LATER).overrides).toEqual([]);
    expect(patchedSchedule(before, { timeZone: 'Asia/Tokyo' }, LATER).timeZone).toBe('Asia/Tokyo');
  });

  it('replaces the fields an event-type PATCH gives and keeps the rest', () => {
    const before = eventType('e1', 's1', { slotInterval: 30 });
    const after = patchedEventType(
      before,
      { duration: 45, requiresConfirmation: true },
      [schedule('s1')],
      LATER,
    );
    expect(after).toEqual({
      ...before,
      duration: 45,
      requiresConfirmation: true,
      updatedAt: LATER,
    });
  });

  it('moves an event type to another schedule of its host, and no other (422 on scheduleId)', () => {
    const schedules = [schedule('s1'), schedule('s2')];
    expect(patchedEventType(eventType('e1', 's1'), { scheduleId: 's2' }, schedules, LATER)).toEqual(
      expect.objectContaining({ scheduleId: 's2' }),
    );
    const error = domainError(() =>
      patchedEventType(eventType('e1', 's1'), { scheduleId: 'elsewhere' }, schedules, LATER),
    );
    expect(error.code).toBe(ErrorCode.ValidationFailed);
    expect(error.details?.errors).toEqual([expect.objectContaining({ path: 'scheduleId' })]);
  });
});
