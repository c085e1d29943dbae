import ICAL from 'ical.js';
import { renderMail } from './mail-content';
import type { Letter } from './mail-plan';

const host = { name: 'Hana <Host>', email: 'hana@slotbook.test', timeZone: 'Asia/Tokyo' };
const guest = { name: 'Gil & "Co"', email: 'gil@slotbook.test', timeZone: 'Europe/Berlin' };

function letter(fields: Partial<Letter> = {}): Letter {
  return {
    kind: 'created',
    role: 'guest',
    recipient: guest,
    booking: {
      id: '0b8f2f53-1d4e-4b47-9a53-3f0a4f1e9c11',
      hostId: 'h-1',
      userId: null,
      guest: { name: guest.name, email: guest.email, timeZone: guest.timeZone },
      responses: { topic: '<img src=x>' },
      eventTypeId: 'et-1',
      startTime: '2030-03-04T09:00:00.000Z',
      endTime: '2030-03-04T09:30:00.000Z',
      status: 'confirmed',
      notes: 'Bring <notes>',
      cancellationReason: null,
      sequence: 0,
      createdAt: '2030-03-01T08:00:00.000Z',
      updatedAt: '2030-03-01T08:00:00.000Z',
    },
    title: 'Intro\r\nBcc: evil@example.com',
    host,
    guest,
    reminderMinutes: null,
    withManageLink: true,
    ...fields,
  };
}

describe('a rendered mail', () => {
  it("shows the time in the recipient's zone, and the title on one subject line", () => {
    const mail = renderMail(letter(), 'https://slotbook.test/manage/t');
    expect(mail.subject).toBe(
      'Booked: Intro Bcc: evil@example.com, Monday, 4 March 2030, 10:00 (Europe/Berlin, UTC+1)',
    );
    expect(mail.text).toContain('When: Monday, 4 March 2030, 10:00–10:30 (Europe/Berlin, UTC+1)');
    const hostMail = renderMail(
      letter({ role: 'host', recipient: host, withManageLink: false }),
      null,
    );
    expect(hostMail.text).toContain('Monday, 4 March 2030, 18:00–18:30 (Asia/Tokyo, UTC+9)');
  });

  it('says where a moved booking was, and the exact start, in the same zone', () => {
    const moved = letter({ kind: 'rescheduled' });
    moved.booking = { ...moved.booking, previousStartTime: '2030-03-03T23:30:00.000Z' };
    const mail = renderMail(moved, null);
    expect(mail.subject).toBe(
      'Moved: Intro Bcc: evil@example.com, Monday, 4 March 2030, 10:00 (Europe/Berlin, UTC+1)',
    );
    expect(mail.text).toContain('Was: Monday, 4 March 2030, 00:30 (Europe/Berlin, UTC+1)');
    expect(mail.text).toContain('Starts: 2030-03-04T10:00:00.000+01:00');
  });

  it('escapes names, answers and notes in the HTML', () => {
    const mail = renderMail(letter({ role: 'host', recipient: host, withManageLink: false }), null);
    expect(mail.html).toContain('Gil &amp; &quot;Co&quot;');
    expect(mail.html).toContain('&lt;img src=x&gt;');
    expect(mail.html).toContain('Bring &lt;notes&gt;');
    expect(mail.html).toContain('Hana &lt;Host&gt;');
    expect(mail.html).not.toMatch(/<img|<notes>|<Host>/);
  });

  it('carries the manage link only when the letter asks for it', () => {
    const link = 'https://slotbook.test/manage/abc';
    expect(renderMail(letter(), link).text).toContain(link);
    expect(renderMail(letter(), link).html).toContain(`href="${link}"`);
    const without = renderMail(letter({ withManageLink: false }), link);
    expect(without.text).not.toContain(link);
    expect(without.html).not.toContain(link);
  });

  it("attaches the booking's calendar file, a cancel once it is cancelled", () => {
    const request = renderMail(letter(), null).calendar;
    expect(request.method).toBe('REQUEST');
    expect(request.content).toContain('METHOD:REQUEST');
    const cancelled = letter({ kind: 'cancelled' });
    cancelled.booking = { ...cancelled.booking, status: 'cancelled', sequence: 1 };
    const cancel = renderMail(cancelled, null).calendar;
    expect(cancel.method).toBe('CANCEL');
    const calendar = new ICAL.Component(ICAL.parse(cancel.content));
    expect(calendar.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(calendar.getFirstSubcomponent('vevent')?.getFirstPropertyValue('sequence')).toBe(1);
  });

  it('says how long before the start a reminder comes', () => {
    const mail = renderMail(letter({ kind: 'reminder', reminderMinutes: 1440 }), null);
    expect(mail.subject.startsWith('Reminder: ')).toBe(true);
    expect(mail.text).toContain('starts in 1 day');
  });
});
