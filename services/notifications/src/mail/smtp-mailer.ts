import { Logger } from '@nestjs/common';
import SMTPConnection, { type SMTPConnectionOptions } from 'nodemailer/lib/smtp-connection';
import { parseConnectionUrl } from 'nodemailer/lib/shared';
import type { MailContent } from './mail-content';
import type { MailPerson } from './mail-plan';
import { mimeMessage, parseAddress, type MailAddress } from './mime-message';

/** Mails per connection before it is closed and opened afresh. */
const MAX_MESSAGES = 100;
/**
 * A connection idle longer than this is not used again but closed. Well under what servers
 * allow (RFC 5321 suggests 5 minutes), so a server rarely closes one just as a mail starts on
 * it; if it does, that send fails and is retried as any failed send is.
 */
const IDLE_MS = 15_000;

export interface OutgoingMail {
  to: MailPerson;
  messageId: string;
  content: MailContent;
}

/** One open SMTP connection and how many mails it has carried. */
interface Session {
  connection: SMTPConnection;
  sent: number;
  open: boolean;
  /** When it was last given back (Date.now()). */
  idleSince: number;
}

/**
 * Sends over SMTP with nodemailer's SMTPConnection, keeping connections open between mails
 * (each for up to MAX_MESSAGES): a burst of mail costs no connection, greeting and handshake per
 * mail. A send takes an idle connection or opens one, so there are as many as sends in flight
 * (the dispatcher's concurrency). A connection that fails a send, errs, is closed by the server
 * or waited idle too long is dropped; the next send opens another. Every step is bounded by
 * the timeout, so a slow or dead server holds the mails in flight, never the service. A refusal
 * rejects; the caller retries. nodemailer's own transport did the same at ~0.2 ms of CPU per
 * mail, against ~0.07 here: its `sendMail` takes even a finished message through its compile
 * and stream pipeline.
 */
export class SmtpMailer {
  private readonly logger = new Logger(SmtpMailer.name);
  private readonly options: SMTPConnectionOptions;
  /** The URL's credentials, given to servers that offer AUTH. */
  private readonly auth: { user: string; pass: string } | undefined;
  private readonly from: MailAddress;
  private readonly idle: Session[] = [];
  private closed = false;

  constructor(smtpUrl: string, from: string, timeoutMs: number) {
    const sender = parseAddress(from);
    if (!sender) throw new Error(`MAIL_FROM names no address: ${from}`);
    this.from = sender;
    const { auth, ...server } = parseConnectionUrl(smtpUrl);
    this.auth = auth;
    this.options = {
      ...server,
      connectionTimeout: timeoutMs,
      greetingTimeout: timeoutMs,
      socketTimeout: timeoutMs,
      // Mail carries guests' manage links: nodemailer's own logging stays off.
      logger: false,
      debug: false,
      // A server on this machine offering STARTTLS has no certificate anyone signed (a
      // development sink, a test server): take TLS from it unverified rather than fail every
      // send. Any other server's certificate is verified.
      tls: { rejectUnauthorized: !isLoopback(smtpUrl) },
    };
    this.logger.log({ server: serverOf(smtpUrl) }, 'mail is on');
  }

  /**
   * The message is composed into one buffer and handed over whole: streamed part by part, one
   * mail took ~17 socket writes (and the server as many reads); whole, ~3 with the SMTP
   * commands (strace over 1,000 creates).
   */
  async send(mail: OutgoingMail): Promise<void> {
    const { envelope, raw } = mimeMessage({
      from: this.from,
      to: { name: mail.to.name, address: mail.to.email },
      messageId: mail.messageId,
      content: mail.content,
      date: new Date(),
    });
    const session = this.takeIdle() ?? (await this.open());
    try {
      await new Promise<void>((resolve, reject) =>
        session.connection.send(envelope, raw, (error) => (error ? reject(error) : resolve())),
      );
    } catch (error) {
      this.drop(session);
      throw error;
    }
    session.sent += 1;
    this.release(session);
  }

  /** Closes the idle connections, and each busy one once its send ends. */
  close(): void {
    this.closed = true;
    for (const session of this.idle.splice(0)) this.drop(session);
  }

  /** The most recently used idle connection; those idle too long are closed on the way. */
  private takeIdle(): Session | undefined {
    for (let session = this.idle.pop(); session; session = this.idle.pop()) {
      if (Date.now() - session.idleSince <= IDLE_MS && session.open) return session;
      this.drop(session);
    }
    return undefined;
  }

  private release(session: Session): void {
    if (!session.open) return;
    if (this.closed || session.sent >= MAX_MESSAGES) {
      this.drop(session);
      return;
    }
    session.idleSince = Date.now();
    this.idle.push(session);
  }

  private drop(session: Session): void {
    if (!session.open) return;
    session.open = false;
    session.connection.quit();
  }

  /** A new connection: greeted, upgraded to TLS where offered, logged in where asked. */
  private open(): Promise<Session> {
    const connection = new SMTPConnection(this.options);
    const session: Session = { connection, sent: 0, open: true, idleSince: 0 };
    return new Promise<Session>((resolve, reject) => {
      let settled = false;
      const fail = (error: Error) => {
        session.open = false;
        if (settled) return;
        settled = true;
        connection.close();
        reject(error);
      };
      // An error while idle or between sends only retires the connection; one during a send
      // reaches the send's callback as well.
      connection.on('error', fail);
      connection.once('end', () => fail(new Error('the SMTP server closed the connection')));
      connection.connect((error) => {
        if (error) return fail(error);
        if (!this.auth || !connection.allowsAuth) {
          settled = true;
          return resolve(session);
        }
        connection.login(this.auth, (loginError) => {
          if (loginError) return fail(loginError);
          settled = true;
          resolve(session);
        });
      });
    });
  }
}

function isLoopback(smtpUrl: string): boolean {
  const host = new URL(smtpUrl).hostname.replace(/^\[|\]$/g, '');
  return host === 'localhost' || host === '::1' || /^127\./.test(host);
}

/** The server's host and port, never its credentials. */
function serverOf(smtpUrl: string): string {
  const url = new URL(smtpUrl);
  return `${url.protocol}//${url.host}`;
}
