import type { Actor, BookingStatus } from '@slotbook/contracts';
import {
  canCompleteAt,
  canSee,
  holdsSlot,
  initialStatus,
  mayAct,
  nextStatus,
  slotKey,
  type BookingAction,
} from './booking-rules';

const statuses: BookingStatus[] = ['pending', 'confirmed', 'cancelled', 'completed'];
const actions: BookingAction[] = ['confirm', 'cancel', 'complete', 'reschedule'];

describe('booking lifecycle', () => {
  const legal: Record<string, BookingStatus> = {
    'pending confirm': 'confirmed',
    'pending cancel': 'cancelled',
    'confirmed cancel': 'cancelled',
    'confirmed complete': 'completed',
    'pending reschedule': 'pending',
    'confirmed reschedule': 'confirmed',
  };

  for (const status of statuses) {
    for (const action of actions) {
      const expected = legal[`${status} ${action}`] ?? null;
      it(`${action} from ${status} ${expected ? `leads to ${expected}` : 'is an illegal transition'}`, () => {
        expect(nextStatus(status, action)).toBe(expected);
      });
    }
  }

  it('only pending and confirmed bookings hold their slot', () => {
    expect(statuses.filter(holdsSlot)).toEqual(['pending', 'confirmed']);
  });

  it('starts pending when the range requires confirmation, confirmed otherwise', () => {
    expect(initialStatus(true)).toBe('pending');
    expect(initialStatus(false)).toBe('confirmed');
  });

  it('completes only once the slot has ended', () => {
    const end = new Date('2030-01-01T10:00:00Z');
    expect(canCompleteAt(end, new Date('2030-01-01T09:59:59Z'))).toBe(false);
    expect(canCompleteAt(end, end)).toBe(true);
    expect(canCompleteAt(end, new Date('2030-01-01T10:00:01Z'))).toBe(true);
  });
});

describe('who sees and acts on a booking', () => {
  const booking = { hostId: 'host', userId: 'guest' };
  const guest: Actor = { id: 'guest', role: 'USER' };
  const host: Actor = { id: 'host', role: 'HOST' };
  const stranger: Actor = { id: 'other', role: 'HOST' };
  const admin: Actor = { id: 'root', role: 'ADMIN' };

  it('lets the guest, the host and an admin see it, and nobody else', () => {
    expect([guest, host, admin].every((actor) => canSee(actor, booking))).toBe(true);
    expect(canSee(stranger, booking)).toBe(false);
  });

  it('lets only the host or an admin confirm and complete', () => {
    for (const action of ['confirm', 'complete'] as const) {
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
