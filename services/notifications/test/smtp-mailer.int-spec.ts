import { simpleParser } from 'mailparser';
import { SMTPServer, type SMTPServerSession } from 'smtp-server';
import { freePort } from '@slotbook/testing';
import type { MailContent } from '../src/mail/mail-content';
import { SmtpMailer } from '../src/mail/smtp-mailer';

const content: MailContent = {
  subject: 'Booked: Intro',
  text: 'Hello Gil\n',
  html: '<p>Hello Gil</p>',
  calendar: { content: 'BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n', method: 'REQUEST' },
};

/** A real SMTP server that records what it is sent, over which connection, as whom. */
async function server(
  options: {
    auth?: boolean;
    tls?: boolean;
    holdMs?: number;
    refuse?: (to: string) => boolean;
  } = {},
) {
  const received: Array<{
    connection: string;
    user: unknown;
    secure: boolean;
    to: string;
    subject?: string;
  }> = [];
  const sessions = new Map<string, SMTPServerSession>();
  const port = await freePort();
  const smtp = new SMTPServer({
    logger: false,
    // With STARTTLS on, smtp-server offers it with a self-signed certificate of its own.
    disabledCommands: options.tls ? [] : ['STARTTLS'],
    authOptional: !options.auth,
    onAuth(auth, _session, callback) {
      if (auth.username === 'mailer' && auth.password === 's3cret:/@') {
        callback(null, { user: auth.username });
      } else callback(new Error('bad credentials'));
    },
    onConnect(session, callback) {
      sessions.set(session.id, session);
      callback();
    },
    onRcptTo(address, _session, callback) {
      if (options.refuse?.(address.address)) {
        const refusal = new Error('mailbox unavailable') as Error & { responseCode: number };
        refusal.responseCode = 550;
        callback(refusal);
      } else callback();
    },
    onData(stream, session, callback) {
      simpleParser(stream)
        .then(async (parsed) => {
          await new Promise((resolve) => setTimeout(resolve, options.holdMs ?? 0));
          received.push({
            connection: session.id,
            user: session.user,
            secure: session.secure,
            to: session.envelope.rcptTo[0]!.address,
            subject: parsed.subject,
          });
          callback();
        })
        .catch(callback);
    },
  });
  await new Promise<void>((resolve) => smtp.listen(port, '127.0.0.1', resolve));
  const connections = () =>
    (smtp as unknown as { connections: Set<{ close(): void }> }).connections;
  return {
    port,
    received,
    openConnections: () => connections().size,
    /** Ends every connection it has open, as a server does with connections left idle. */
    dropConnections() {
      for (const connection of connections()) connection.close();
    },
    close: () => new Promise<void>((resolve) => smtp.close(() => resolve())),
  };
}

function mail(to: string) {
  return { to: { name: 'Gil', email: to, timeZone: 'UTC' }, messageId: '<1.2@slotbook>', content };
}

describe('the SMTP mailer', () => {
  it('sends mail after mail over one connection, and as many at once over as many', async () => {
    const smtp = await server();
    const mailer = new SmtpMailer(
      `smtp://127.0.0.1:${smtp.port}`,
      'Slotbook <a@slotbook.test>',
      5_000,
    );
    try {
      for (const n of [1, 2, 3]) await mailer.send(mail(`gil${n}@slotbook.test`));
      expect(smtp.received.map((r) => r.to)).toEqual([
        'gil1@slotbook.test',
        'gil2@slotbook.test',
        'gil3@slotbook.test',
      ]);
      expect(new Set(smtp.received.map((r) => r.connection)).size).toBe(1);
      expect(smtp.received[0]!.subject).toBe('Booked: Intro');

      await Promise.all([4, 5, 6].map((n) => mailer.send(mail(`gil${n}@slotbook.test`))));
      expect(new Set(smtp.received.slice(3).map((r) => r.connection)).size).toBe(3);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  it('rejects a refused mail, and sends the next one', async () => {
    const smtp = await server({ refuse: (to) => to.startsWith('nobody') });
    const mailer = new SmtpMailer(`smtp://127.0.0.1:${smtp.port}`, 'a@slotbook.test', 5_000);
    try {
      await mailer.send(mail('gil@slotbook.test'));
      await expect(mailer.send(mail('nobody@slotbook.test'))).rejects.toMatchObject({
        responseCode: 550,
      });
      await mailer.send(mail('hana@slotbook.test'));
      expect(smtp.received.map((r) => r.to)).toEqual(['gil@slotbook.test', 'hana@slotbook.test']);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  it('sends over a new connection once the server has closed the idle one', async () => {
    const smtp = await server();
    const mailer = new SmtpMailer(`smtp://127.0.0.1:${smtp.port}`, 'a@slotbook.test', 5_000);
    try {
      await mailer.send(mail('gil@slotbook.test'));
      smtp.dropConnections();
      await new Promise((resolve) => setTimeout(resolve, 100));
      await mailer.send(mail('hana@slotbook.test'));
      expect(smtp.received.map((r) => r.to)).toEqual(['gil@slotbook.test', 'hana@slotbook.test']);
      expect(smtp.received[0]!.connection).not.toBe(smtp.received[1]!.connection);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  it("logs in with the URL's credentials, and fails a send the server will not let in", async () => {
    const smtp = await server({ auth: true });
    const good = new SmtpMailer(
      `smtp://mailer:${encodeURIComponent('s3cret:/@')}@127.0.0.1:${smtp.port}`,
      'a@slotbook.test',
      5_000,
    );
    const bad = new SmtpMailer(
      `smtp://mailer:wrong@127.0.0.1:${smtp.port}`,
      'a@slotbook.test',
      5_000,
    );
    try {
      await good.send(mail('gil@slotbook.test'));
      await expect(bad.send(mail('hana@slotbook.test'))).rejects.toThrow();
      expect(smtp.received).toEqual([
        expect.objectContaining({ to: 'gil@slotbook.test', user: 'mailer' }),
      ]);
    } finally {
      good.close();
      bad.close();
      await smtp.close();
    }
  });

  it('upgrades to TLS where the server offers STARTTLS, taking a loopback certificate as it is', async () => {
    const smtp = await server({ tls: true });
    const mailer = new SmtpMailer(`smtp://127.0.0.1:${smtp.port}`, 'a@slotbook.test', 5_000);
    try {
      await mailer.send(mail('gil@slotbook.test'));
      expect(smtp.received).toEqual([
        expect.objectContaining({ to: 'gil@slotbook.test', secure: true }),
      ]);
    } finally {
      mailer.close();
      await smtp.close();
    }
  });

  it('closes its idle connections at once, and a busy one when its send ends', async () => {
    const smtp = await server({ holdMs: 300 });
    const mailer = new SmtpMailer(`smtp://127.0.0.1:${smtp.port}`, 'a@slotbook.test', 5_000);
    await mailer.send(mail('gil@slotbook.test'));
    const busy = Promise.all([1, 2].map((n) => mailer.send(mail(`hana${n}@slotbook.test`))));
    await new Promise((resolve) => setTimeout(resolve, 100));
    mailer.close();
    await busy;
    await new Promise((resolve) => setTimeout(resolve, 200));
    try {
      expect(smtp.received).toHaveLength(3);
      expect(smtp.openConnections()).toBe(0);
    } finally {
      await smtp.close();
    }
  });

  it('fails a send to a server that does not answer, within the timeout', async () => {
    const port = await freePort();
    const mailer = new SmtpMailer(`smtp://127.0.0.1:${port}`, 'a@slotbook.test', 1_000);
    await expect(mailer.send(mail('gil@slotbook.test'))).rejects.toThrow();
    mailer.close();
  });

  it('refuses a MAIL_FROM without an address', () => {
    expect(() => new SmtpMailer('smtp://127.0.0.1:25', 'Slotbook', 1_000)).toThrow(
      'MAIL_FROM names no address',
    );
  });
});
