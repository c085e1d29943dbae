import { Inject, Injectable, Logger } from '@nestjs/common';
import { BatchCollector } from '@slotbook/messaging';
import { fromStoredJson } from '@slotbook/persistence';
import { ManageTokenCodec } from '@slotbook/runtime';
import { NOTIFICATIONS_CONFIG, type NotificationsConfig } from '../config';
import { renderMail } from './mail-content';
import { mailSendsTotal } from './mail-metrics';
import { dueBucketOf, nextAttemptAt } from './mail-plan';
import { MIN_SCAN_GAP_MS, SENT_RECORD_WAIT_MS, maySend } from './mail-lease.timing';
import { MailRepository } from './mail.repository';
import type { MailDocument } from './mail.schema';
import { SmtpMailer } from './smtp-mailer';

/** Sends in flight in one replica; more wait their turn in memory (their records are claimed). */
const CONCURRENCY = 8;

/**
 * Sends mail and settles its record. New mail is handed over by the intake already claimed;
 * reminders, retries and mail a dead replica left claimed are found by a scan of the minutes
 * they fall due in (an indexed equality per minute), every MAIL_SCAN_INTERVAL_MS and, sooner,
 * when one of this replica's own falls due. Without SMTP_URL there is no mailer and nothing
 * is sent.
 */
@Injectable()
export class MailDispatcher {
  private readonly logger = new Logger(MailDispatcher.name);
  private readonly mailer: SmtpMailer | null;
  private readonly tokens: ManageTokenCodec;
  private readonly waiting: MailDocument[] = [];
  private readonly inFlight = new Set<Promise<void>>();
  /** Records of mails sent, waiting for their burst's write (they hold no send slot). */
  private readonly recording = new Set<Promise<void>>();
  /** The first minute the next scan looks at. */
  private scanFrom = dueBucketOf(new Date());
  private scanTimer?: NodeJS.Timeout;
  private scanAt = Infinity;
  private lastScan = 0;
  private scanning?: Promise<void>;
  private stopped = false;
  /**
   * Sends settle together: one write for the mails of a burst, not one each. A replica killed
   * in the wait leaves those mails claimed, sent again after their lease (same Message-ID).
   */
  private readonly sentRecords: BatchCollector<{ _id: string; attempts: number; at: Date }>;

  constructor(
    private readonly mails: MailRepository,
    @Inject(NOTIFICATIONS_CONFIG) private readonly config: NotificationsConfig,
  ) {
    this.tokens = new ManageTokenCodec(config.MANAGE_TOKEN_SECRET);
    this.sentRecords = new BatchCollector(
      { maxItems: 500, maxWaitMs: SENT_RECORD_WAIT_MS },
      async (sent) => {
        await this.mails.settleSent(sent);
        return sent.map((): void => undefined);
      },
    );
    this.mailer = config.SMTP_URL
      ? new SmtpMailer(config.SMTP_URL, config.MAIL_FROM, config.SMTP_TIMEOUT_MS)
      : null;
    if (!this.mailer) this.logger.warn('SMTP_URL is not set: mail is off, nothing is sent');
  }

  get mailOn(): boolean {
    return this.mailer !== null;
  }

  async start(): Promise<void> {
    if (!this.mailer) return;
    const earliest = await this.mails.earliestPendingBucket();
    if (earliest !== null) this.scanFrom = Math.min(this.scanFrom, earliest);
    this.scheduleScan(Date.now());
  }

  async stop(timeoutMs: number): Promise<void> {
    this.stopped = true;
    clearTimeout(this.scanTimer);
    const deadline = Date.now() + timeoutMs;
    await this.scanning;
    while (this.inFlight.size + this.recording.size > 0 && Date.now() < deadline) {
      await Promise.race([
        Promise.all([...this.inFlight, ...this.recording]),
        new Promise((resolve) => setTimeout(resolve, Math.max(0, deadline - Date.now()))),
      ]);
    }
    this.mailer?.close();
  }

  /** Mails the intake just recorded: those claimed are sent now, the others when due. */
  accept(mails: MailDocument[]): void {
    for (const mail of mails) {
      if (mail.attempts > 0) this.enqueue(mail);
      else if (mail.dueAt) this.scheduleScan(mail.dueAt.getTime());
    }
  }

  private enqueue(mail: MailDocument): void {
    if (this.stopped) return;
    this.waiting.push(mail);
    this.pump();
  }

  private pump(): void {
    while (this.inFlight.size < CONCURRENCY && this.waiting.length > 0) {
      const mail = this.waiting.shift() as MailDocument;
      const sending: Promise<void> = this.send(mail).finally(() => {
        this.inFlight.delete(sending);
        this.pump();
      });
      this.inFlight.add(sending);
    }
  }

  /** One attempt of a claimed mail, settled against the attempt it was claimed with. */
  private async send(mail: MailDocument): Promise<void> {
    const mailer = this.mailer;
    if (!mailer) return;
    try {
      // A move, confirm or cancel recorded since this reminder was planned outranks it.
      if (
        mail.kind === 'reminder' &&
        (await this.mails.hasLaterEvent(mail.bookingId, mail.sequence))
      ) {
        await this.mails.settle(mail, { status: 'dropped' });
        mailSendsTotal.inc({ outcome: 'dropped' });
        return;
      }
      const letter = fromStoredJson(mail.letter);
      const link = letter.withManageLink
        ? `${this.config.PUBLIC_URL}/manage/${this.tokens.tokenOf(mail.bookingId)}`
        : null;
      const content = renderMail(letter, link);
      // Waited too long (a slow server, a long queue): its lease may end before the send and
      // its record do, and another replica may take it. Left to whoever claims it next.
      if (mail.dueAt && !maySend(mail.dueAt.getTime(), Date.now(), this.config)) {
        mailSendsTotal.inc({ outcome: 'left' });
        this.logger.warn({ mailId: mail._id }, 'too little of its lease left to send; left to it');
        return;
      }
      try {
        await mailer.send({ to: letter.recipient, messageId: mail.messageId, content });
      } catch (error) {
        await this.retryLater(mail, error);
        return;
      }
      this.recordSent(mail);
      mailSendsTotal.inc({ outcome: 'sent' });
    } catch (error) {
      // The record stays claimed: its lease ends and a scan sends it again (same Message-ID).
      this.logger.warn(
        { err: error, mailId: mail._id },
        'could not settle a mail; left to its lease',
      );
    }
  }

  /** A sent mail's record, written with its burst's; the send's slot is free meanwhile. */
  private recordSent(mail: MailDocument): void {
    const recorded: Promise<void> = this.sentRecords
      .add({ _id: mail._id, attempts: mail.attempts, at: new Date() })
      .catch((error: unknown) =>
        // The record stays claimed: its lease ends and a scan sends it again (same Message-ID).
        this.logger.warn({ err: error, mailId: mail._id }, 'could not record a sent mail'),
      )
      .finally(() => this.recording.delete(recorded));
    this.recording.add(recorded);
  }

  private async retryLater(mail: MailDocument, error: unknown): Promise<void> {
    const message = errorText(error);
    const now = new Date();
    const next = nextAttemptAt(
      mail.attempts,
      this.config.MAIL_RETRY_SCHEDULE_MS,
      mail.retryUntil,
      now,
    );
    if (next) {
      await this.mails.settle(mail, { status: 'pending', dueAt: next, error: message });
      mailSendsTotal.inc({ outcome: 'retry' });
      this.scheduleScan(next.getTime());
      this.logger.warn(
        { mailId: mail._id, attempts: mail.attempts, error: message },
        'mail refused; trying again later',
      );
    } else {
      await this.mails.settle(mail, { status: 'failed', error: message });
      mailSendsTotal.inc({ outcome: 'failed' });
      this.logger.error(
        { mailId: mail._id, attempts: mail.attempts, error: message },
        'mail refused for its whole retry window; failed',
      );
    }
  }

  /** Asks for a scan at `at` (not sooner than a second after the last one), or sooner if planned. */
  private scheduleScan(at: number): void {
    if (this.stopped || !this.mailer) return;
    const interval = this.config.MAIL_SCAN_INTERVAL_MS;
    const gap = Math.min(MIN_SCAN_GAP_MS, interval);
    // Later than the next periodic scan means nothing (and a timer of weeks would overflow).
    const when = Math.max(Math.min(at, Date.now() + interval), this.lastScan + gap);
    if (when >= this.scanAt) return;
    clearTimeout(this.scanTimer);
    this.scanAt = when;
    this.scanTimer = setTimeout(() => void this.runScan(), Math.max(0, when - Date.now()));
  }

  private async runScan(): Promise<void> {
    this.scanAt = Infinity;
    if (this.stopped) return;
    this.lastScan = Date.now();
    this.scanning = this.scan()
      .catch((error: unknown) => this.logger.warn({ err: error }, 'mail scan failed'))
      .finally(() => {
        this.scanning = undefined;
        this.scheduleScan(Date.now() + this.config.MAIL_SCAN_INTERVAL_MS);
      });
    await this.scanning;
  }

  /** Claims and sends what is due in the minutes since the last scan; plans the next wake. */
  private async scan(): Promise<void> {
    const now = new Date();
    const current = dueBucketOf(now);
    // One minute back: a replica whose clock runs a little behind may have written there.
    for (let bucket = Math.min(this.scanFrom, current - 1); bucket <= current; bucket += 1) {
      const found = await this.mails.inBucket(bucket);
      for (const due of found) {
        const dueAt = due.dueAt?.getTime() ?? Infinity;
        if (dueAt > now.getTime()) {
          this.scheduleScan(dueAt);
          continue;
        }
        const claimed = await this.mails.claim(
          due._id,
          now,
          new Date(now.getTime() + this.config.MAIL_LEASE_MS),
        );
        if (claimed) this.enqueue(claimed);
      }
    }
    this.scanFrom = current;
  }
}

function errorText(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.slice(0, 500);
}
