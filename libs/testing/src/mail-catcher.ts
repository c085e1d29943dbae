import { simpleParser, type ParsedMail } from 'mailparser';
import { SMTPServer, type SMTPServerDataStream } from 'smtp-server';
import { freePort } from './ports';

/** A mail as it arrived: parsed, with the envelope's recipients and the raw text. */
export interface CaughtMail {
  envelopeTo: string[];
  parsed: ParsedMail;
  raw: string;
}

/**
 * A real SMTP server on a spare port, for specs: it takes every mail, parses it (mailparser)
 * and keeps it; `refuse(n)` makes it answer the next n mails with a temporary failure, as a
 * server that is down or overloaded would.
 */
export class MailCatcher {
  readonly received: CaughtMail[] = [];
  /** Mails answered with a refusal, parsed as well. */
  readonly refused: CaughtMail[] = [];
  private refusals = 0;
  private readonly holds = new Map<string, number>();

  private readonly server: SMTPServer;

  private constructor(readonly port: number) {
    this.server = new SMTPServer({
      authOptional: true,
      // nodemailer would upgrade to TLS against this server's self-signed certificate.
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        const envelopeTo = session.envelope.rcptTo.map((to) => to.address);
        void this.take(stream, envelopeTo, callback);
      },
    });
  }

  static async start(): Promise<MailCatcher> {
    const catcher = new MailCatcher(await freePort());
    await new Promise<void>((resolve, reject) => {
      catcher.server.once('error', reject);
      catcher.server.listen(catcher.port, '127.0.0.1', () => resolve());
    });
    return catcher;
  }

  get url(): string {
    return `smtp://127.0.0.1:${this.port}`;
  }

  /** The next `count` mails are answered `451` (try again later). */
  refuse(count: number): void {
    this.refusals = count;
  }

  /**
   * The next mail to `address` is taken (and kept) but answered only after `ms`: a sender that
   * dies meanwhile never hears that it was delivered.
   */
  holdNextTo(address: string, ms: number): void {
    this.holds.set(address.toLowerCase(), ms);
  }

  /** Mails whose envelope names `address`. */
  to(address: string): CaughtMail[] {
    const wanted = address.toLowerCase();
    return this.received.filter((mail) =>
      mail.envelopeTo.some((to) => to.toLowerCase() === wanted),
    );
  }

  /** Waits until `predicate` holds of the mails received, and answers them. */
  async waitFor(
    predicate: (mails: CaughtMail[]) => boolean,
    timeoutMs = 15_000,
  ): Promise<CaughtMail[]> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline) {
        const subjects = this.received.map((mail) => mail.parsed.subject).join(' | ');
        throw new Error(`the mail awaited did not arrive in ${timeoutMs} ms; got: ${subjects}`);
      }
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    return this.received;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private async take(
    stream: SMTPServerDataStream,
    envelopeTo: string[],
    callback: (error?: Error | null) => void,
  ): Promise<void> {
    const chunks: Buffer[] = [];
    try {
      for await (const chunk of stream) chunks.push(chunk as Buffer);
    } catch {
      // The sender went away mid-mail (a replica killed by a spec): nothing arrived.
      return;
    }
    const raw = Buffer.concat(chunks);
    const mail = { envelopeTo, parsed: await simpleParser(raw), raw: raw.toString() };
    if (this.refusals > 0) {
      this.refusals -= 1;
      this.refused.push(mail);
      const error = Object.assign(new Error('mailbox busy, try again later'), {
        responseCode: 451,
      });
      callback(error);
      return;
    }
    this.received.push(mail);
    const held = envelopeTo.map((to) => to.toLowerCase()).find((to) => this.holds.has(to));
    if (held !== undefined) {
      const ms = this.holds.get(held) as number;
      this.holds.delete(held);
      await new Promise((resolve) => setTimeout(resolve, ms));
    }
    callback();
  }
}
