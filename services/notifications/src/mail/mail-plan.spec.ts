import type { Booking } from '@slotbook/contracts';
import {
  dueBucketOf,
  mailsOf,
  messageIdOf,
  nextAttemptAt,
  type BookingFacts,
  type MailedBooking,
} from './mail-plan';

const NOW = new Date('2030-03-01T08:00:00.000Z');
const host = { name: 'Hana', email: 'hana@slotbook.test', timeZone: 'Asia/Tokyo' };
const guest = { name: 'Gil', email: 'gil@slotbook.test', timeZone: 'Europe/Berlin' };

function booking(fields: Partial<Booking> = {}): MailedBooking {
  return {
    id: '0b8f2f53-1d4e-4b47-9a53-3f0a4f1e9c11',
    hostId: 'h-1',
    userId: null,
    guest: { name: 'Gil', email: 'gil@slotbook.test', timeZone: 'Europe/Berlin' },
    responses: {},
    eventTypeId: 'et-1',
    startTime: '2030-03-04T09:00:00.000Z',
    endTime: '2030-03-04T09:30:00.000Z',
    status: 'confirmed',
    notes: null,
    cancellationReason: null,
    sequence: 0,
    createdAt: '2030-03-01T08:00:00.000Z',
    updatedAt: '2030-03-01T08:00:00.000Z',
    ...fields,
  };
}

const facts: BookingFacts = { title: 'Intro', reminders: [60, 1440], host, guest };

describe('the mails of a booking event', () => {
  it('mails a new booking to its guest with the manage link, to its host, and plans its reminders', () => {
    const mails = mailsOf({ id: 'e1', type: 'booking.created' }, booking(), facts, NOW);
    expect(mails.map((mail) => [mail.id, mail.letter.kind, mail.letter.recipient.email])).toEqual([
      ['e1:guest', 'created', guest.email],
      ['e1:host', 'created', host.email],
      ['e1:reminder-60', 'reminder', guest.email],
      ['e1:reminder-1440', 'reminder', guest.email],
    ]);
    expect(mails[0].letter.withManageLink).toBe(true);
    expect(mails[1].letter.withManageLink).toBe(false);
    expect(mails[2].dueAt.toISOString()).toBe('2030-03-04T08:00:00.000Z');
    expect(mails[3].dueAt.toISOString()).toBe('2030-03-03T09:00:00.000Z');
  });

  it("gives a member's booking no manage link", () => {
    const [mail] = mailsOf(
      { id: 'e1', type: 'booking.created' },
      booking({ userId: 'u-1', guest: null }),
      facts,
      NOW,
    );
    expect(mail.letter.withManageLink).toBe(false);
  });

  it('does not plan a reminder whose moment has passed: it would be sent late', () => {
    const soon = booking({
      startTime: '2030-03-01T08:30:00.000Z',
      endTime: '2030-03-01T09:00:00.000Z',
    });
    const mails = mailsOf({ id: 'e1', type: 'booking.created' }, soon, facts, NOW);
    expect(mails.filter((mail) => mail.letter.kind === 'reminder')).toEqual([]);
  });

  it('mails a confirm to the guest alone, and plans the reminders again', () => {
    const mails = mailsOf(
      { id: 'e2', type: 'booking.confirmed' },
      booking({ sequence: 1 }),
      facts,
      NOW,
    );
    expect(mails.map((mail) => mail.id)).toEqual([
      'e2:guest',
      'e2:reminder-60',
      'e2:reminder-1440',
    ]);
    expect(mails.every((mail) => mail.sequence === 1)).toBe(true);
  });

  it('mails a cancel to both and plans no reminder', () => {
    const mails = mailsOf(
      { id: 'e3', type: 'booking.cancelled' },
      booking({ status: 'cancelled', sequence: 2 }),
      facts,
      NOW,
    );
    expect(mails.map((mail) => [mail.id, mail.letter.kind])).toEqual([
      ['e3:guest', 'cancelled'],
      ['e3:host', 'cancelled'],
    ]);
  });

  it('mails nobody identity no longer knows', () => {
    const mails = mailsOf(
      { id: 'e4', type: 'booking.rescheduled' },
      booking({ sequence: 1 }),
      { ...facts, host: null, guest: null },
      NOW,
    );
    expect(mails).toEqual([]);
  });

  it('scales reminder minutes when told to (tests)', () => {
    const mails = mailsOf({ id: 'e1', type: 'booking.created' }, booking(), facts, NOW, 1_000);
    expect(mails[2].dueAt.toISOString()).toBe('2030-03-04T08:59:00.000Z');
  });
});

describe('the Message-ID of a mail', () => {
  it('is the same for the same event and recipient, and differs for another', () => {
    const id = messageIdOf('e1:guest', 'Gil@Slotbook.test');
    expect(id).toBe(messageIdOf('e1:guest', 'gil@slotbook.test'));
    expect(id).toMatch(/^<e1\.guest\.[0-9a-f]{16}@slotbook>$/);
    expect(messageIdOf('e1:guest', 'other@slotbook.test')).not.toBe(id);
    expect(messageIdOf('e2:guest', 'gil@slotbook.test')).not.toBe(id);
  });
});

describe('retries of a refused send', () => {
  const schedule = [1_000, 10_000];
  const until = new Date(NOW.getTime() + 60_000);

  it('wait by the schedule, jittered by up to 20 %, its last step repeating', () => {
    expect(nextAttemptAt(1, schedule, until, NOW, () => 0.5)?.getTime()).toBe(
      NOW.getTime() + 1_000,
    );
    expect(nextAttemptAt(2, schedule, until, NOW, () => 0)?.getTime()).toBe(NOW.getTime() + 8_000);
    expect(nextAttemptAt(5, schedule, until, NOW, () => 1)?.getTime()).toBe(NOW.getTime() + 12_000);
  });

  it('stop once the next would fall past the window', () => {
    expect(nextAttemptAt(3, [120_000], until, NOW, () => 0.5)).toBeNull();
  });

  it('fall due in the minute they are in', () => {
    expect(dueBucketOf(new Date(120_000))).toBe(2);
    expect(dueBucketOf(new Date(179_999))).toBe(2);
  });
});
