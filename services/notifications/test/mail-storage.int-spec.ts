import mongoose, { type Connection, type Model } from 'mongoose';
import { randomUUID } from 'node:crypto';
import { mongoUrlFor, uniqueDatabase } from '@slotbook/testing';
import { dueBucketOf, messageIdOf, type Letter } from '../src/mail/mail-plan';
import { MailRepository } from '../src/mail/mail.repository';
import { fromStoredJson } from '@slotbook/persistence';
import { MailDocument, MailSchema } from '../src/mail/mail.schema';

/**
 * The notifications service's storage against the real database (devdb in CI): what "one
 * mail per event and recipient" rests on, with competing replicas and no transactions.
 */
describe('mail storage', () => {
  let connection: Connection;
  let model: Model<MailDocument>;
  let mails: MailRepository;

  beforeAll(async () => {
    connection = await mongoose
      .createConnection(mongoUrlFor(uniqueDatabase('mail_storage')))
      .asPromise();
    model = connection.model(MailDocument.name, MailSchema);
    await model.init();
    mails = new MailRepository(model);
  });

  afterAll(async () => {
    await connection?.dropDatabase();
    await connection?.close();
  });

  const letter: Letter = {
    kind: 'created',
    role: 'guest',
    recipient: { name: 'Gil', email: 'gil@slotbook.test', timeZone: 'Europe/Paris' },
    booking: {
      id: randomUUID(),
      hostId: randomUUID(),
      userId: null,
      guest: { name: 'Gil', email: 'gil@slotbook.test', timeZone: 'Europe/Paris' },
      responses: { topic: 'Ünïcode & "quotes"' },
      eventTypeId: randomUUID(),
      startTime: '2027-03-28T00:30:00.000Z',
      endTime: '2027-03-28T01:30:00.000Z',
      status: 'confirmed',
      notes: null,
      cancellationReason: null,
      sequence: 0,
      createdAt: '2026-12-07T10:00:00.000Z',
      updatedAt: '2026-12-07T10:00:00.000Z',
    },
    title: 'Intro',
    host: { name: 'Hana', email: 'hana@slotbook.test', timeZone: 'Asia/Tokyo' },
    guest: { name: 'Gil', email: 'gil@slotbook.test', timeZone: 'Europe/Paris' },
    reminderMinutes: null,
    withManageLink: true,
  };

  function mail(fields: Partial<MailDocument> = {}): MailDocument {
    const id = `${randomUUID()}:guest`;
    const dueAt = fields.dueAt ?? new Date(Date.now() - 1_000);
    return {
      _id: id,
      eventId: id.split(':')[0],
      bookingId: randomUUID(),
      sequence: 0,
      kind: 'created',
      role: 'guest',
      to: 'gil@slotbook.test',
      messageId: messageIdOf(id, 'gil@slotbook.test'),
      letter: JSON.stringify(letter),
      status: 'pending',
      attempts: 0,
      lastError: null,
      dueAt,
      dueBucket: dueBucketOf(dueAt),
      retryUntil: new Date(Date.now() + 60_000),
      createdAt: new Date(),
      sentAt: null,
      ...fields,
    };
  }

  it('inserts each mail once, however many replicas record its event at once', async () => {
    const docs = [mail(), mail({ role: 'host' })];
    const results = await Promise.all(
      Array.from({ length: 8 }, () => mails.insertNew(docs.map((doc) => ({ ...doc })))),
    );
    expect(results.map((inserted) => inserted[0]).filter(Boolean)).toHaveLength(1);
    expect(results.map((inserted) => inserted[1]).filter(Boolean)).toHaveLength(1);
    expect(await model.countDocuments({ _id: { $in: docs.map((doc) => doc._id) } })).toBe(2);
  });

  it('lets one replica of many claim a due mail, and none one not yet due', async () => {
    const due = mail();
    const later = mail({ dueAt: new Date(Date.now() + 60_000) });
    await mails.insertNew([due, later]);
    const now = new Date();
    const lease = new Date(now.getTime() + 5_000);
    const claims = await Promise.all(
      Array.from({ length: 10 }, () => mails.claim(due._id, now, lease)),
    );
    const won = claims.filter((claim) => claim !== null);
    expect(won).toHaveLength(1);
    expect(won[0]).toMatchObject({ attempts: 1, dueBucket: dueBucketOf(lease) });
    expect(await mails.claim(later._id, now, lease)).toBeNull();
  });

  it('records a send against the attempt that made it, and finds it no more by its minute', async () => {
    const due = mail();
    await mails.insertNew([due]);
    const claimed = (await mails.claim(due._id, new Date(), new Date(Date.now() + 5_000)))!;
    // A stale attempt (its lease long gone, the mail claimed again since) writes nothing.
    await mails.settleSent([{ _id: due._id, attempts: claimed.attempts - 1, at: new Date() }]);
    expect(await model.findById(due._id).lean()).toMatchObject({ status: 'pending' });
    await mails.settleSent([{ _id: due._id, attempts: claimed.attempts, at: new Date() }]);
    const sent = await model.findById(due._id).lean();
    expect(sent).toMatchObject({ status: 'sent', dueAt: null });
    expect(sent?.dueBucket).toBeUndefined();
    expect((await mails.inBucket(claimed.dueBucket!)).map((found) => found._id)).not.toContain(
      due._id,
    );
  });

  it("drops a booking's pending reminders that an earlier event planned, and tells of a later event", async () => {
    const bookingId = randomUUID();
    const inHour = new Date(Date.now() + 3_600_000);
    const old = mail({
      bookingId,
      kind: 'reminder',
      sequence: 0,
      dueAt: inHour,
      dueBucket: dueBucketOf(inHour),
    });
    const fresh = mail({
      bookingId,
      kind: 'reminder',
      sequence: 1,
      dueAt: inHour,
      dueBucket: dueBucketOf(inHour),
    });
    await mails.insertNew([old, fresh]);
    await mails.dropRemindersBefore(bookingId, 1);
    expect(await model.findById(old._id).lean()).toMatchObject({ status: 'dropped', dueAt: null });
    expect(await model.findById(fresh._id).lean()).toMatchObject({ status: 'pending' });
    expect(await mails.hasLaterEvent(bookingId, 0)).toBe(true);
    expect(await mails.hasLaterEvent(bookingId, 1)).toBe(false);
  });

  it('keeps a letter as its text, and reads the letter of a record written as an object', async () => {
    const fresh = mail();
    const older = mail({ letter });
    await mails.insertNew([fresh, older]);
    const now = new Date();
    const lease = new Date(now.getTime() + 5_000);
    const claimedFresh = (await mails.claim(fresh._id, now, lease))!;
    const claimedOlder = (await mails.claim(older._id, now, lease))!;
    expect(typeof claimedFresh.letter).toBe('string');
    expect(typeof claimedOlder.letter).toBe('object');
    expect(fromStoredJson(claimedFresh.letter)).toEqual(letter);
    expect(fromStoredJson(claimedOlder.letter)).toEqual(letter);
  });
});
