import amqplib from 'amqplib';
import ICAL from 'ical.js';
import { DateTime } from 'luxon';
import type { Attachment } from 'mailparser';
import {
  ApiClient,
  EventRecorder,
  MailCatcher,
  Platform,
  expectProblem,
  futureStart,
  hostWithEventTypes,
  infra,
  uniqueEmail,
  type CaughtMail,
  type ScheduledHost,
} from '@slotbook/testing';

/**
 * Mail (SPEC §6c) through the whole platform, into a real SMTP server: who gets which mail, in
 * which zone, with which link and calendar file; once each, whatever the redeliveries and
 * replicas; retried when the server refuses; reminders that follow the booking. Two
 * notifications replicas compete for every event. A reminder "minute" lasts a second here.
 */
const REMINDER_MINUTE_MS = 1_000;
const PUBLIC_URL = 'http://slotbook.test';

describe('mail', () => {
  let catcher: MailCatcher;
  let platform: Platform;
  let api: ApiClient;
  let admin: string;
  let host: ScheduledHost;
  let hostEmail: string;
  let openType: string;
  let approvalType: string;
  let quickType: string;
  const tokens: string[] = [];
  /** Logs of replicas killed and started again (a start begins a new log). */
  const earlierLogs: string[] = [];

  beforeAll(async () => {
    catcher = await MailCatcher.start();
    platform = await new Platform({
      replicas: { notifications: 2 },
      env: {
        notifications: {
          SMTP_URL: catcher.url,
          PUBLIC_URL,
          LOG_LEVEL: 'info',
          MAIL_RETRY_SCHEDULE_MS: '300',
          MAIL_SCAN_INTERVAL_MS: '250',
          SMTP_TIMEOUT_MS: '2000',
          MAIL_LEASE_MS: '3000',
          MAIL_REMINDER_MINUTE_MS: String(REMINDER_MINUTE_MS),
        },
        gateway: { LOG_LEVEL: 'info' },
        booking: { LOG_LEVEL: 'info' },
      },
    }).start();
    api = new ApiClient(platform.gatewayUrl);
    admin = (await api.login(platform.adminEmail, platform.adminPassword)).accessToken;
    host = await hostWithEventTypes(api, [
      {
        title: 'Intro <call> & "chat"',
        duration: 30,
        public: true,
        bookingHorizonDays: 365,
        bookingFields: [{ slug: 'topic', label: 'Topic', type: 'text' }],
      },
      {
        title: 'Approval',
        duration: 30,
        public: true,
        bookingHorizonDays: 365,
        requiresConfirmation: true,
      },
      { title: 'Quick', duration: 5, public: true },
    ]);
    [openType, approvalType, quickType] = host.eventTypes.map((eventType) => eventType.id);
    const profile = await api.patch('/users/me', {
      token: host.token,
      body: { timezone: 'Asia/Tokyo', name: 'Hana <Host>' },
    });
    expect(profile.status).toBe(200);
    hostEmail = profile.body.email;
  });

  afterAll(async () => {
    await platform?.stop();
    await catcher?.stop();
  });

  async function bookAsGuest(
    eventTypeId: string,
    startTime: string,
    guest: { name: string; email: string; timeZone?: string },
    responses?: Record<string, unknown>,
  ): Promise<{ id: string; manageToken: string }> {
    const created = await api.post('/bookings', {
      body: { eventTypeId, startTime, guest, ...(responses ? { responses } : {}) },
    });
    expect(created.status).toBe(201);
    tokens.push(created.body.manageToken);
    return created.body;
  }

  function kindOf(mail: CaughtMail): string {
    return String(mail.parsed.subject).split(':')[0];
  }

  function calendarOf(mail: CaughtMail): ICAL.Component {
    const attachment = mail.parsed.attachments.find((part: Attachment) =>
      part.contentType.startsWith('text/calendar'),
    );
    expect(attachment).toBeDefined();
    return new ICAL.Component(ICAL.parse(attachment!.content.toString('utf8')));
  }

  function startOf(calendar: ICAL.Component): string {
    const event = calendar.getFirstSubcomponent('vevent')!;
    return (event.getFirstPropertyValue('dtstart') as ICAL.Time).toJSDate().toISOString();
  }

  function localTime(iso: string, zone: string): string {
    return DateTime.fromISO(iso, { zone }).toFormat('cccc, d LLLL yyyy, HH:mm');
  }

  /** Waits for `count` mails to `address`, then a moment more to see that no copy follows. */
  async function mailsTo(address: string, count: number): Promise<CaughtMail[]> {
    await catcher.waitFor(() => catcher.to(address).length >= count);
    await new Promise((resolve) => setTimeout(resolve, 600));
    return catcher.to(address);
  }

  async function adminMail(query = ''): Promise<any[]> {
    const listed = await api.get(`/admin/mail?limit=100${query}`, { token: admin });
    expect(listed.status).toBe(200);
    return listed.body.data;
  }

  it("mails a guest's booking to the guest in their zone, with the manage link and the .ics, and to the host in theirs", async () => {
    const start = futureStart().toISOString();
    const guest = {
      name: 'Ada <b>Lovelace</b> & co',
      email: uniqueEmail('ada'),
      timeZone: 'America/New_York',
    };
    const booking = await bookAsGuest(openType, start, guest, { topic: '<script>x</script>' });

    const [mail] = await mailsTo(guest.email, 1);
    expect(mail.parsed.subject).toBe(
      `Booked: Intro <call> & "chat", ${localTime(start, 'America/New_York')} ` +
        `(America/New_York, UTC${DateTime.fromISO(start, { zone: 'America/New_York' }).toFormat('Z')})`,
    );
    expect(mail.parsed.text).toContain(localTime(start, 'America/New_York'));
    expect(mail.parsed.text).toContain(`${PUBLIC_URL}/manage/${booking.manageToken}`);
    expect(mail.parsed.html).toContain(`href="${PUBLIC_URL}/manage/${booking.manageToken}"`);
    expect(mail.parsed.html).toContain('Ada &lt;b&gt;Lovelace&lt;/b&gt; &amp; co');
    expect(mail.parsed.html).not.toContain('<b>Lovelace');
    const calendar = calendarOf(mail);
    expect(calendar.getFirstPropertyValue('method')).toBe('REQUEST');
    expect(calendar.getFirstSubcomponent('vevent')!.getFirstPropertyValue('uid')).toBe(
      `${booking.id}@slotbook`,
    );
    expect(startOf(calendar)).toBe(start);

    // The link opens the booking.
    const managed = await api.get(`/manage/${booking.manageToken}`);
    expect(managed.status).toBe(200);
    expect(managed.body.id).toBe(booking.id);

    const hostMails = (await mailsTo(hostEmail, 1)).filter((m) =>
      m.parsed.text?.includes(guest.email),
    );
    expect(hostMails).toHaveLength(1);
    const [hostMail] = hostMails;
    expect(kindOf(hostMail)).toBe('New booking');
    expect(hostMail.parsed.text).toContain(localTime(start, 'Asia/Tokyo'));
    expect(hostMail.parsed.text).toContain('(Asia/Tokyo, UTC+9)');
    expect(hostMail.raw).not.toContain('/manage/');
    expect(hostMail.parsed.html).toContain('&lt;script&gt;x&lt;/script&gt;');
    expect(hostMail.parsed.html).not.toContain('<script>');
    expect(startOf(calendarOf(hostMail))).toBe(start);
  });

  it('mails a member in their profile zone, without a manage link', async () => {
    const member = await api.signUp({ email: uniqueEmail('member') });
    await api.patch('/users/me', {
      token: member.accessToken,
      body: { timezone: 'Europe/Berlin' },
    });
    const start = futureStart().toISOString();
    const created = await api.post('/bookings', {
      token: member.accessToken,
      body: { eventTypeId: openType, startTime: start },
    });
    expect(created.status).toBe(201);
    const [mail] = await mailsTo(member.user.email, 1);
    expect(kindOf(mail)).toBe('Booked');
    expect(mail.parsed.text).toContain(`${localTime(start, 'Europe/Berlin')}`);
    expect(mail.parsed.text).toContain('Europe/Berlin');
    expect(mail.raw).not.toContain('/manage/');
  });

  it('mails what a profile and an event type say once their change is answered, on either replica', async () => {
    const member = await api.signUp({ email: uniqueEmail('zone') });
    const made = await api.post('/event-types', {
      token: host.token,
      body: { title: 'Before', duration: 30, scheduleId: host.scheduleId, bookingHorizonDays: 365 },
    });
    expect(made.status).toBe(201);
    const book = async (): Promise<CaughtMail> => {
      const before = catcher.to(member.user.email).length;
      const created = await api.post('/bookings', {
        token: member.accessToken,
        body: { eventTypeId: made.body.id, startTime: futureStart().toISOString() },
      });
      expect(created.status).toBe(201);
      const mails = await mailsTo(member.user.email, before + 1);
      return mails[mails.length - 1];
    };
    // Both replicas take events in turn: a few bookings leave the profile and the event type
    // in each one's copy.
    for (let i = 0; i < 4; i += 1) {
      expect((await book()).parsed.subject).toContain('Before');
    }
    const patched = await Promise.all([
      api.patch('/users/me', { token: member.accessToken, body: { timezone: 'America/Lima' } }),
      api.patch(`/event-types/${made.body.id}`, { token: host.token, body: { title: 'After' } }),
    ]);
    expect(patched.map((answer) => answer.status)).toEqual([200, 200]);
    for (let i = 0; i < 4; i += 1) {
      const mail = await book();
      expect(mail.parsed.subject).toContain('After');
      expect(mail.parsed.text).toContain('America/Lima');
    }
  });

  it('mails each change once: requested, confirmed, moved, cancelled (METHOD:CANCEL)', async () => {
    const guest = { name: 'Gil Guest', email: uniqueEmail('gil'), timeZone: 'Europe/Berlin' };
    const first = futureStart().toISOString();
    const booking = await bookAsGuest(approvalType, first, guest);
    await mailsTo(guest.email, 1);

    const confirmed = await api.post(`/bookings/${booking.id}/confirm`, { token: host.token });
    expect(confirmed.status).toBe(200);
    await mailsTo(guest.email, 2);

    const moved = new Date(Date.parse(first) + 60 * 60_000).toISOString();
    const rescheduled = await api.post(`/manage/${booking.manageToken}/reschedule`, {
      body: { startTime: moved },
    });
    expect(rescheduled.status).toBe(200);
    await mailsTo(guest.email, 3);

    const cancelled = await api.post(`/bookings/${booking.id}/cancel`, {
      token: host.token,
      body: { reason: 'Sick <today>' },
    });
    expect(cancelled.status).toBe(200);
    const mails = await mailsTo(guest.email, 4);

    expect(mails.map(kindOf)).toEqual(['Requested', 'Confirmed', 'Moved', 'Cancelled']);
    const [requested, confirmedMail, movedMail, cancelledMail] = mails;
    expect(requested.parsed.text).toContain(`/manage/${booking.manageToken}`);
    for (const later of [confirmedMail, movedMail, cancelledMail]) {
      expect(later.raw).not.toContain('/manage/');
    }
    expect(
      calendarOf(requested).getFirstSubcomponent('vevent')!.getFirstPropertyValue('status'),
    ).toBe('TENTATIVE');
    expect(movedMail.parsed.text).toContain(localTime(moved, 'Europe/Berlin'));
    expect(movedMail.parsed.text).toContain(`Was: ${localTime(first, 'Europe/Berlin')}`);
    expect(startOf(calendarOf(movedMail))).toBe(moved);
    const cancel = calendarOf(cancelledMail);
    expect(cancel.getFirstPropertyValue('method')).toBe('CANCEL');
    expect(cancel.getFirstSubcomponent('vevent')!.getFirstPropertyValue('status')).toBe(
      'CANCELLED',
    );
    expect(cancelledMail.parsed.html).toContain('Sick &lt;today&gt;');

    // The host hears of the new, the moved and the cancelled booking, not of its own confirm.
    const hostMails = catcher
      .to(hostEmail)
      .filter((mail) => mail.parsed.text?.includes(guest.email))
      .map(kindOf);
    expect(hostMails).toEqual(['New booking', 'Moved', 'Cancelled']);
  });

  it('sends a mail the server refused, once it accepts, with the same Message-ID each time', async () => {
    const guest = { name: 'Rae Retry', email: uniqueEmail('rae') };
    catcher.refuse(2);
    const refusedBefore = catcher.refused.length;
    const booking = await bookAsGuest(openType, futureStart().toISOString(), guest);
    const [mail] = await mailsTo(guest.email, 1);
    expect(mail.parsed.text).toContain('(UTC)');
    const refused = catcher.refused.slice(refusedBefore);
    expect(refused.length).toBe(2);
    const ids = new Set([...refused, mail].map((m) => m.parsed.messageId));
    // The host's mail may have taken one of the refusals; the guest's id never changed.
    const guestIds = [...refused, mail]
      .filter((m) => m.envelopeTo.includes(guest.email))
      .map((m) => m.parsed.messageId);
    expect(new Set(guestIds).size).toBe(1);
    expect(ids.size).toBeLessThanOrEqual(2);

    const listed = (await adminMail()).filter((record) => record.bookingId === booking.id);
    const guestRecord = listed.find((record) => record.role === 'guest');
    expect(guestRecord).toMatchObject({ status: 'sent', kind: 'created', to: guest.email });
    expect(guestRecord.messageId).toBe(mail.parsed.messageId);
    expect(guestRecord.attempts).toBeGreaterThanOrEqual(1);
    expect(listed.reduce((sum, record) => sum + record.attempts, 0)).toBe(4);
  });

  it('sends one mail per event and recipient when the event is delivered again to two replicas', async () => {
    const recorder = await new EventRecorder().start([
      { exchange: 'booking.events', pattern: 'booking.created' },
    ]);
    try {
      const guest = { name: 'Rex Redelivered', email: uniqueEmail('rex') };
      const booking = await bookAsGuest(openType, futureStart().toISOString(), guest);
      const [event] = await recorder
        .waitFor((events) => events.some((e) => e.envelope.data.id === booking.id))
        .then(() => recorder.matching((e) => e.envelope.data.id === booking.id));
      await mailsTo(guest.email, 1);

      // The outbox may publish an event again; the broker may deliver it again.
      const connection = await amqplib.connect(infra.amqpUrl);
      const channel = await connection.createConfirmChannel();
      for (let i = 0; i < 6; i += 1) {
        channel.publish(
          'booking.events',
          'booking.created',
          Buffer.from(JSON.stringify(event.envelope)),
          {
            ...event.properties,
            persistent: true,
          },
        );
      }
      await channel.waitForConfirms();
      await connection.close();
      await new Promise((resolve) => setTimeout(resolve, 1_500));

      expect(catcher.to(guest.email)).toHaveLength(1);
      expect(
        catcher.to(hostEmail).filter((m) => m.parsed.text?.includes(guest.email)),
      ).toHaveLength(1);
    } finally {
      await recorder.stop();
    }
  });

  /**
   * A 5-minute slot at least `leadMs` ahead that no earlier test took, and a reminder "minute"
   * count due ~`inMs` from now.
   */
  const quickSlotsTaken = new Set<number>();
  function quickSlot(leadMs: number, inMs: number): { start: string; reminder: number } {
    const step = 5 * 60_000;
    let start = Math.ceil((Date.now() + leadMs) / step) * step;
    // A slot an earlier test booked (and did not cancel) is not free.
    while (quickSlotsTaken.has(start)) start += step;
    quickSlotsTaken.add(start);
    const reminder = Math.floor((start - Date.now() - inMs) / REMINDER_MINUTE_MS / 5) * 5;
    return { start: new Date(start).toISOString(), reminder };
  }

  async function setReminders(reminders: number[]): Promise<void> {
    const patched = await api.patch(`/event-types/${quickType}`, {
      token: host.token,
      body: { reminders },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.reminders).toEqual(reminders);
  }

  function reminders(address: string): CaughtMail[] {
    return catcher.to(address).filter((mail) => kindOf(mail) === 'Reminder');
  }

  it('never sends the reminder of a booking cancelled before it', async () => {
    const slot = quickSlot(120_000, 3_000);
    await setReminders([slot.reminder]);
    const guest = { name: 'Cy Cancel', email: uniqueEmail('cy') };
    const booking = await bookAsGuest(quickType, slot.start, guest);
    const cancelled = await api.post(`/manage/${booking.manageToken}/cancel`, { body: {} });
    expect(cancelled.status).toBe(200);
    const due = Date.parse(slot.start) - slot.reminder * REMINDER_MINUTE_MS;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, due - Date.now()) + 2_000));

    expect(catcher.to(guest.email).map(kindOf)).toEqual(['Booked', 'Cancelled']);
    const listed = (await adminMail()).filter((record) => record.bookingId === booking.id);
    expect(listed.find((record) => record.kind === 'reminder')).toMatchObject({
      status: 'dropped',
    });
  });

  it('sends the reminder of a moved booking once, at the new time, not at the old one', async () => {
    const old = quickSlot(120_000, 3_000);
    await setReminders([old.reminder]);
    const guest = { name: 'Mo Moved', email: uniqueEmail('mo'), timeZone: 'Asia/Kolkata' };
    const booking = await bookAsGuest(quickType, old.start, guest);
    const moved = quickSlot(Date.parse(old.start) - Date.now() + 60_000, 10_000);
    await setReminders([moved.reminder]);
    const rescheduled = await api.post(`/manage/${booking.manageToken}/reschedule`, {
      body: { startTime: moved.start },
    });
    expect(rescheduled.status).toBe(200);

    const oldDue = Date.parse(old.start) - old.reminder * REMINDER_MINUTE_MS;
    const newDue = Date.parse(moved.start) - moved.reminder * REMINDER_MINUTE_MS;
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, oldDue - Date.now()) + 1_000));
    expect(reminders(guest.email)).toHaveLength(0);

    await catcher.waitFor(() => reminders(guest.email).length > 0, 15_000);
    const arrived = Date.now();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    const [reminder, ...more] = reminders(guest.email);
    expect(more).toHaveLength(0);
    expect(arrived).toBeGreaterThanOrEqual(newDue - 500);
    expect(reminder.parsed.text).toContain(localTime(moved.start, 'Asia/Kolkata'));
    expect(startOf(calendarOf(reminder))).toBe(moved.start);
  });

  it('sends again, under the same Message-ID, what a replica killed mid-send left; reminders survive the restart', async () => {
    const slot = quickSlot(120_000, 12_000);
    await setReminders([slot.reminder]);
    const guest = { name: 'Kim Killed', email: uniqueEmail('kim') };
    catcher.holdNextTo(guest.email, 2_000);
    const booking = await bookAsGuest(quickType, slot.start, guest);
    await catcher.waitFor(() => catcher.to(guest.email).length === 1);
    // The server has the mail; the replica that sent it dies before it hears so.
    earlierLogs.push(platform.logs('notifications'));
    await Promise.all(platform.replicas.notifications.map((replica) => replica.kill()));
    await Promise.all(platform.replicas.notifications.map((replica) => replica.start()));

    const [first, again] = await mailsTo(guest.email, 2);
    expect(kindOf(first)).toBe('Booked');
    expect(again.parsed.messageId).toBe(first.parsed.messageId);
    const record = (await adminMail()).find(
      (mail) => mail.bookingId === booking.id && mail.kind === 'created' && mail.role === 'guest',
    );
    expect(record).toMatchObject({
      status: 'sent',
      attempts: 2,
      messageId: first.parsed.messageId,
    });

    await catcher.waitFor(() => reminders(guest.email).length === 1, 20_000);
    await new Promise((resolve) => setTimeout(resolve, 800));
    expect(reminders(guest.email)).toHaveLength(1);
  });

  it('lists mail for ADMINs only, by status, with problem answers for bad input', async () => {
    const sent = await adminMail('&status=sent');
    expect(sent.length).toBeGreaterThan(0);
    expect(sent.every((record) => record.status === 'sent' && record.sentAt !== null)).toBe(true);
    expect(JSON.stringify(sent)).not.toContain('/manage/');

    const firstPage = await api.get('/admin/mail?limit=2', { token: admin });
    expect(firstPage.body.data).toHaveLength(2);
    const secondPage = await api.get(
      `/admin/mail?limit=2&cursor=${encodeURIComponent(firstPage.body.nextCursor)}`,
      { token: admin },
    );
    expect(secondPage.status).toBe(200);
    const ids = [...firstPage.body.data, ...secondPage.body.data].map((record: any) => record.id);
    expect(new Set(ids).size).toBe(4);

    expectProblem(await api.get('/admin/mail?status=lost', { token: admin }), 422);
    expectProblem(await api.get('/admin/mail', { token: host.token }), 403);
    expectProblem(await api.get('/admin/mail'), 401);
  });

  it('sends nothing and records nothing without SMTP_URL, and says that mail is off', async () => {
    const [one, two] = platform.replicas.notifications;
    earlierLogs.push(platform.logs('notifications'));
    await two.stop();
    await one.stop();
    await one.withEnv({ SMTP_URL: '' }).start();
    expect(one.logs).toContain('mail is off');
    const guest = { name: 'Otto Off', email: uniqueEmail('otto') };
    const booking = await bookAsGuest(openType, futureStart().toISOString(), guest);
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(catcher.to(guest.email)).toHaveLength(0);
    expect((await adminMail()).filter((record) => record.bookingId === booking.id)).toEqual([]);
  });

  it('writes no manage token into any log', () => {
    expect(tokens.length).toBeGreaterThan(0);
    const logs = (['identity', 'availability', 'booking', 'notifications', 'gateway'] as const)
      .map((name) => platform.logs(name))
      .concat(earlierLogs)
      .join('\n');
    expect(logs.length).toBeGreaterThan(0);
    for (const token of tokens) expect(logs).not.toContain(token);
  });
});
