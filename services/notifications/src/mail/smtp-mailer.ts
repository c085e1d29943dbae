import { Logger } from '@nestjs/common';
import nodemailer, { type Transporter } from 'nodemailer';
import type { MailContent } from './mail-content';
import type { MailPerson } from './mail-plan';
import { mimeMessage, parseAddress, type MailAddress } from './mime-message';

/** Mails per connection before it is closed and opened afresh. */
const MAX_MESSAGES = 100;

export interface OutgoingMail {
  to: MailPerson;
  messageId: string;
  content: MailContent;
}

/**
 * Sends over SMTP (nodemailer) on a pool of connections, each kept for up to MAX_MESSAGES
 * mails: a burst of mail costs no connection, greeting and handshake per mail. Every step is
 * bounded by the timeout, so a slow or dead server holds the mails in flight, never the
 * service. A refusal rejects; the caller retries.
 */
export class SmtpMailer {
  private readonly logger = new Logger(SmtpMailer.name);
  private readonly transport: Transporter;
  private readonly from: MailAddress;

  constructor(
    smtpUrl: string,
    from: string,
    timeoutMs: number,
    /** As many as are sent at once. */
    connections: number,
  ) {
    const sender = parseAddress(from);
    if (!sender) throw new Error(`MAIL_FROM names no address: ${from}`);
    this.from = sender;
    this.transport = nodemailer.createTransport({
      url: smtpUrl,
      pool: true,
      maxConnections: connections,
      maxMessages: MAX_MESSAGES,
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
    });
    this.logger.log({ server: serverOf(smtpUrl) }, 'mail is on');
  }

  /**
   * The message is composed into one buffer first, then handed over whole: streamed part by
   * part, one mail took ~17 socket writes (and the server as many reads); whole, ~3 with the
   * SMTP commands (strace over 1,000 creates).
   */
  async send(mail: OutgoingMail): Promise<void> {
    const { envelope, raw } = mimeMessage({
      from: this.from,
      to: { name: mail.to.name, address: mail.to.email },
      messageId: mail.messageId,
      content: mail.content,
      date: new Date(),
    });
    await this.transport.sendMail({ envelope, raw });
  }

  close(): void {
    this.transport.close();
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
