import { simpleParser, type AddressObject } from 'mailparser';
import { mimeMessage, parseAddress, type MailAddress } from './mime-message';
import type { MailContent } from './mail-content';

const content: MailContent = {
  subject: 'Gebucht: Kennenlernen – Dienstag, 4. März 2030, 10:00 (Europe/Berlin)',
  text: `Hallo Zoë,\n\nIhr Termin steht.\n${'Eine lange Zeile, '.repeat(20)}\n`,
  html: '<p>Hallo Zoë, &lt;b&gt;</p><p>Ihr Termin steht. ✓</p>',
  calendar: {
    content: 'BEGIN:VCALENDAR\r\nMETHOD:REQUEST\r\nSUMMARY:Kennenlernen ✓\r\nEND:VCALENDAR\r\n',
    method: 'REQUEST',
  },
};
const from = { name: 'Slotbook', address: 'no-reply@slotbook.test' };

function message(to: MailAddress, fields: Partial<MailContent> = {}) {
  return mimeMessage({
    from,
    to,
    messageId: '<0b8f2f53.guest.1a2b3c4d@slotbook>',
    content: { ...content, ...fields },
    date: new Date('2030-03-01T08:00:00.000Z'),
  });
}

function first(address: AddressObject | AddressObject[] | undefined) {
  const value = Array.isArray(address) ? address[0]?.value : address?.value;
  return value?.[0];
}

describe('a mail message', () => {
  it('reads back, part for part, as a mail client parses it', async () => {
    const { envelope, raw } = message({ name: 'Zoë Öz', address: 'zoe@slotbook.test' });
    const parsed = await simpleParser(raw);
    expect(envelope).toEqual({ from: from.address, to: ['zoe@slotbook.test'] });
    expect(first(parsed.from)).toEqual({ name: 'Slotbook', address: 'no-reply@slotbook.test' });
    expect(first(parsed.to)).toEqual({ name: 'Zoë Öz', address: 'zoe@slotbook.test' });
    expect(parsed.subject).toBe(content.subject);
    expect(parsed.messageId).toBe('<0b8f2f53.guest.1a2b3c4d@slotbook>');
    expect(parsed.date?.toISOString()).toBe('2030-03-01T08:00:00.000Z');
    expect(parsed.text).toBe(content.text);
    expect(parsed.html).toBe(content.html);
    expect(parsed.attachments).toHaveLength(1);
    const [calendar] = parsed.attachments;
    expect(calendar).toMatchObject({
      filename: 'booking.ics',
      contentType: 'text/calendar',
      contentDisposition: 'attachment',
    });
    expect(calendar!.content.toString('utf8')).toBe(content.calendar.content);
    expect(parsed.headers.get('content-type')).toMatchObject({ value: 'multipart/mixed' });
  });

  it('names a cancelled booking’s calendar file for what it is', async () => {
    const parsed = await simpleParser(
      message(
        { name: '', address: 'gil@slotbook.test' },
        { calendar: { content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', method: 'CANCEL' } },
      ).raw,
    );
    expect(first(parsed.to)).toEqual({ name: '', address: 'gil@slotbook.test' });
    expect(parsed.attachments[0]).toMatchObject({ filename: 'cancel.ics' });
    expect(parsed.attachments[0]!.contentType).toBe('text/calendar');
  });

  it("keeps a name's brackets, quotes and line breaks inside its header", async () => {
    for (const name of [
      'Hana <Host>',
      'Gil & "Co" \\ back',
      'Eve\r\nBcc: mallory@example.com',
      'Zoë <zoe@evil.example>, mallory@example.com',
    ]) {
      const { raw } = message({ name, address: 'to@slotbook.test' });
      const parsed = await simpleParser(raw);
      expect(parsed.to).not.toBeUndefined();
      const to = Array.isArray(parsed.to) ? parsed.to : [parsed.to!];
      expect(to.flatMap((address) => address.value)).toEqual([
        { name: name.replace(/\r\n/g, ' ').replace(/\s+/g, ' '), address: 'to@slotbook.test' },
      ]);
      expect(parsed.headers.has('bcc')).toBe(false);
    }
  });

  it('keeps a subject with a line break on one header, and every line within 78 columns', async () => {
    const subject = `Booked: ${'Intro '.repeat(30)}\r\nBcc: mallory@example.com`;
    const { raw } = message({ name: 'Gil', address: 'gil@slotbook.test' }, { subject });
    const parsed = await simpleParser(raw);
    expect(parsed.headers.has('bcc')).toBe(false);
    expect(parsed.subject).toBe(subject.replace(/\r\n/g, ' '));
    const text = raw.toString('utf8');
    expect(text.split('\r\n').every((line) => line.length <= 78)).toBe(true);
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
  });

  it('finds the address of a MAIL_FROM, and none in text without one', () => {
    expect(parseAddress('Slotbook <no-reply@slotbook.local>')).toEqual({
      name: 'Slotbook',
      address: 'no-reply@slotbook.local',
    });
    expect(parseAddress('bookings@example.com')).toEqual({
      name: '',
      address: 'bookings@example.com',
    });
    expect(parseAddress('Slotbook')).toBeNull();
  });
});
