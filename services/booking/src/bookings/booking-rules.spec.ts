import { guestOfBooking, type Actor, BookingStatus } from '@slotbook/contracts';
import {
  headHoldsTime,
  canCompleteAt,
  canMarkNoShowAt,
  canSee,
  hasStarted,
  holdsSlot,
  hostMonth,
  hostMonthsTouched,
  insideCancelNotice,
  isAllowed,
  keepsTime,
  listScopes,
  mayAct,
  monthsTouched,
  nextStatus,
  sequenceAfter,
  slotKey,
  statusOnSlot,
  type StatusAction,
} from './booking-rules';

const statuses: BookingStatus[] = [...BookingStatus.options];
const statusActions: StatusAction[] = ['confirm', 'cancel', 'complete', 'no-show'];

describe('booking lifecycle', () => {
  const legal: Record<string, BookingStatus> = {
    'pending confirm': 'confirmed',
    'pending cancel': 'cancelled',
    'confirmed cancel': 'cancelled',
    'confirmed complete': 'completed',
    'confirmed no-show': 'no_show',
  };

  for (const status of statuses) {
    for (const action of statusActions) {
      const expected = legal[`${status} ${action}`] ?? null;
      it(`${action} from ${status} ${expected ? `leads to ${expected}` : 'is an illegal transition'}`, () => {
        expect(nextStatus(status, action)).toBe(expected);
        expect(isAllowed(status, action)).toBe(expected !== null);
      });
    }
  }

  it('reschedules only a pending or confirmed booking', () => {
    expect(statuses.filter((status) => isAllowed(status, 'reschedule'))).toEqual([
      'pending',
      'confirmed',
    ]);
  });

  it('only pending and confirmed bookings hold their slot', () => {
    expect(statuses.filter(holdsSlot)).toEqual(['pending', 'confirmed']);
  });

  it('gives a booking on a slot of a range that requires confirmation pending, confirmed otherwise', () => {
    expect(statusOnSlot(true)).toBe('pending');
    expect(statusOnSlot(false)).toBe('confirmed');
  });

  it('completes only once the slot has ended', () => {
    const end = new Date('2030-01-01T10:00:00Z');
    expect(canCompleteAt(end, new Date('2030-01-01T09:59:59Z'))).toBe(false);
    expect(canCompleteAt(end, end)).toBe(true);
    expect(canCompleteAt(end, new Date('2030-01-01T10:00:01Z'))).toBe(true);
  });
});

describe('when a slot has started', () => {
  const start = new Date('2030-01-01T19:42:00Z');

  it('has not started before its start, nor at the very millisecond of it', () => {
    expect(hasStarted(start, new Date('2030-01-01T19:41:59.999Z'))).toBe(false);
    expect(hasStarted(start, start)).toBe(false);
  });

  it('has started a millisecond after its start, while it runs and after it ended', () => {
    expect(hasStarted(start, new Date('2030-01-01T19:42:00.001Z'))).toBe(true);
    expect(hasStarted(start, new Date('2030-01-01T19:43:05Z'))).toBe(true);
    expect(hasStarted(start, new Date('2030-01-02T00:00:00Z'))).toBe(true);
  });
});

describe('who sees and acts on a booking', () => {
  const endTime = new Date('2030-01-01T10:30:00Z');
  const now = new Date('2030-01-01T09:00:00Z');
  const booking = { _id: 'b1', hostId: 'host', userId: 'guest', guest: null, endTime };
  const guestBookingOf = { ...booking, _id: 'b2', userId: null, guest: { name: 'G' } };
  const guest: Actor = { id: 'guest', role: 'USER' };
  const host: Actor = { id: 'host', role: 'HOST' };
  const stranger: Actor = { id: 'other', role: 'HOST' };
  const admin: Actor = { id: 'root', role: 'ADMIN' };

  it('lets the guest, the host and an admin see it, and nobody else', () => {
    expect([guest, host, admin].every((actor) => canSee(actor, booking, now))).toBe(true);
    expect(canSee(stranger, booking, now)).toBe(false);
  });

  it("lets a manage link's holder see only its own guest booking, until 30 days after its end", () => {
    const holder = guestOfBooking('b2');
    expect(canSee(holder, guestBookingOf, now)).toBe(true);
    expect(canSee(holder, booking, now)).toBe(false);
    expect(canSee(guestOfBooking('b1'), booking, now)).toBe(false);
    const lastMoment = new Date(endTime.getTime() + 30 * 24 * 3_600_000 - 1);
    expect(canSee(holder, guestBookingOf, lastMoment)).toBe(true);
    expect(canSee(holder, guestBookingOf, new Date(lastMoment.getTime() + 1))).toBe(false);
  });

  it("lets a manage link's holder cancel and reschedule, nothing else", () => {
    const holder = guestOfBooking('b2');
    expect(mayAct(holder, guestBookingOf, 'cancel')).toBe(true);
    expect(mayAct(holder, guestBookingOf, 'reschedule')).toBe(true);
    for (const action of ['confirm', 'complete', 'no-show'] as const) {
      expect(mayAct(holder, guestBookingOf, action)).toBe(false);
    }
  });

  it('lets only the host or an admin confirm, complete and mark a no-show', () => {
    for (const action of ['confirm', 'complete', 'no-show'] as const) {
      expect(mayAct(host, booking, action)).toBe(true);
      expect(mayAct(admin, booking, action)).toBe(true);
      expect(mayAct(guest, booking, action)).toBe(false);
    }
  });

  it('lets the guest, the host and an admin cancel and reschedule', () => {
    for (const action of ['cancel', 'reschedule'] as const) {
      expect([guest, host, admin].every((actor) => mayAct(actor, booking, action))).toBe(true);
      expect(mayAct(stranger, booking, action)).toBe(false);
    }
  });

  it('keys a slot by host and UTC start, whatever offset the start was given in', () => {
    expect(slotKey('h', new Date('2030-01-01T12:00:00+02:00'))).toBe(
      slotKey('h', new Date('2030-01-01T10:00:00Z')),
    );
    expect(slotKey('h', new Date('2030-01-01T10:00:00Z'))).not.toBe(
      slotKey('g', new Date('2030-01-01T10:00:00Z')),
    );
  });
});

describe('what a booking list may show, as equality scopes', () => {
  const user: Actor = { id: 'u', role: 'USER' };
  const host: Actor = { id: 'h', role: 'HOST' };
  const admin: Actor = { id: 'root', role: 'ADMIN' };

  it('gives a user their own bookings, narrowed by a host filter', () => {
    expect(listScopes(user, {})).toEqual([{ userId: 'u' }]);
    expect(listScopes(user, { hostId: 'x' })).toEqual([{ userId: 'u', hostId: 'x' }]);
    expect(listScopes(user, { userId: 'u' })).toEqual([{ userId: 'u' }]);
  });

  it("gives a user nothing when they filter for someone else's bookings", () => {
    expect(listScopes(user, { userId: 'other' })).toEqual([]);
  });

  it('gives a host two scopes: as guest and as host', () => {
    expect(listScopes(host, {})).toEqual([{ userId: 'h' }, { hostId: 'h' }]);
    expect(listScopes(host, { userId: 'g' })).toEqual([{ hostId: 'h', userId: 'g' }]);
    expect(listScopes(host, { hostId: 'x' })).toEqual([{ userId: 'h', hostId: 'x' }]);
  });

  it('drops a host scope that only narrows the other', () => {
    expect(listScopes(host, { hostId: 'h' })).toEqual([{ hostId: 'h' }]);
    expect(listScopes(host, { userId: 'h' })).toEqual([{ userId: 'h' }]);
    expect(listScopes(host, { userId: 'h', hostId: 'h' })).toEqual([{ userId: 'h', hostId: 'h' }]);
    expect(listScopes(host, { userId: 'a', hostId: 'b' })).toEqual([]);
  });

  it('gives an admin everything, or exactly the filters asked for', () => {
    expect(listScopes(admin, {})).toEqual([{}]);
    expect(listScopes(admin, { hostId: 'x' })).toEqual([{ hostId: 'x' }]);
    expect(listScopes(admin, { hostId: 'x', userId: 'y' })).toEqual([{ hostId: 'x', userId: 'y' }]);
  });
});

describe('month buckets of held slots', () => {
  it("files a slot under its host and its start's UTC month", () => {
    expect(hostMonth('h', new Date('2031-02-01T00:30:00+01:00'))).toBe('h|2031-01');
    expect(hostMonth('h', new Date('2031-02-01T00:00:00Z'))).toBe('h|2031-02');
  });

  it('lists every month a window touches, and none for an empty one', () => {
    const at = (iso: string) => new Date(iso);
    expect(monthsTouched(at('2031-01-05T00:00:00Z'), at('2031-01-20T00:00:00Z'))).toEqual([
      '2031-01',
    ]);
    // The end is exclusive: a window ending at midnight of the 1st does not touch that month.
    expect(monthsTouched(at('2031-01-15T00:00:00Z'), at('2031-02-01T00:00:00Z'))).toEqual([
      '2031-01',
    ]);
    expect(monthsTouched(at('2031-01-31T00:00:00Z'), at('2031-03-03T00:00:00Z'))).toEqual([
      '2031-01',
      '2031-02',
      '2031-03',
    ]);
    expect(monthsTouched(at('2031-12-20T00:00:00Z'), at('2032-01-10T00:00:00Z'))).toEqual([
      '2031-12',
      '2032-01',
    ]);
    expect(monthsTouched(at('2031-01-05T00:00:00Z'), at('2031-01-05T00:00:00Z'))).toEqual([]);
    expect(hostMonthsTouched('h', at('2031-01-31T00:00:00Z'), at('2031-02-02T00:00:00Z'))).toEqual([
      'h|2031-01',
      'h|2031-02',
    ]);
  });
});

describe('what a range change counts as held', () => {
  const GRACE = 30_000;
  const now = Date.parse('2031-01-05T12:00:00Z');
  const at = new Date('2031-02-01T10:00:00Z');
  const elsewhere = new Date('2031-02-01T09:00:00Z');
  const head = (ageMs: number) => ({ startTime: at, heldAt: new Date(now - ageMs) });

  it('counts a booking standing on its head while it keeps time, however old the head', () => {
    expect(
      headHoldsTime(head(10 * GRACE), { status: 'confirmed', startTime: at }, now, GRACE),
    ).toBe(true);
    expect(headHoldsTime(head(0), { status: 'cancelled', startTime: at }, now, GRACE)).toBe(false);
  });

  it('counts a create or a move under way while its head is younger than the grace', () => {
    expect(headHoldsTime(head(1_000), undefined, now, GRACE)).toBe(true);
    // A booking still at its old start, moving here: its new head holds this time.
    expect(
      headHoldsTime(head(1_000), { status: 'confirmed', startTime: elsewhere }, now, GRACE),
    ).toBe(true);
  });

  it('drops a leftover: older than the grace with no booking on it, or of a booking let go', () => {
    expect(headHoldsTime(head(GRACE + 1), undefined, now, GRACE)).toBe(false);
    expect(
      headHoldsTime(head(GRACE + 1), { status: 'confirmed', startTime: elsewhere }, now, GRACE),
    ).toBe(false);
    expect(headHoldsTime(head(0), { status: 'cancelled', startTime: elsewhere }, now, GRACE)).toBe(
      false,
    );
  });
});

describe('cancel notice, no-show and calendar sequence', () => {
  const start = new Date('2030-01-02T10:00:00Z');

  it('holds a guest inside the notice, to the millisecond', () => {
    const notice = 24 * 60;
    expect(insideCancelNotice(start, notice, new Date('2030-01-01T10:00:00Z'))).toBe(false);
    expect(insideCancelNotice(start, notice, new Date('2030-01-01T10:00:00.001Z'))).toBe(true);
    expect(insideCancelNotice(start, 0, new Date('2030-01-02T09:59:59Z'))).toBe(false);
  });

  it('marks a no-show only once the slot has started', () => {
    expect(canMarkNoShowAt(start, new Date('2030-01-02T09:59:59.999Z'))).toBe(false);
    expect(canMarkNoShowAt(start, start)).toBe(true);
  });

  it("keeps a no-show's time taken, and lets a cancelled or completed booking's go", () => {
    expect(keepsTime('no_show')).toBe(true);
    expect(keepsTime('confirmed')).toBe(true);
    expect(keepsTime('cancelled')).toBe(false);
    expect(keepsTime('completed')).toBe(false);
  });

  it('grows the sequence at reschedule, confirm and cancel only', () => {
    expect(sequenceAfter({ sequence: 2 }, 'reschedule')).toBe(3);
    expect(sequenceAfter({ sequence: 2 }, 'confirm')).toBe(3);
    expect(sequenceAfter({}, 'cancel')).toBe(1);
    expect(sequenceAfter({ sequence: 2 }, 'complete')).toBe(2);
    expect(sequenceAfter({ sequence: 2 }, 'no-show')).toBe(2);
  });
});
