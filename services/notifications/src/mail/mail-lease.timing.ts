import type { TimingFlaw } from '@slotbook/runtime';

/*
 * The timing of sending a mail (mail-dispatcher.ts), in one place. A mail is sent only by the
 * replica holding its lease: the intake records a mail due now already claimed (its due time
 * moved to the lease's end, MAIL_LEASE_MS away), a scan claims what is due by compare-and-set,
 * and a replica that dies holding a mail leaves it due again at the lease's end. A replica
 * starts a send only while the send (SMTP_TIMEOUT_MS at most) and the write of its record
 * (RECORD_MARGIN_MS: the wait of its burst and one write) fit in what is left of the lease
 * ({@link maySend}): then no replica can claim the mail again before it is recorded as sent,
 * and a mail is sent twice only after a crash between the send and its record, with the same
 * Message-ID (SPEC §6c). The rule is checked just before the send (after the reading and the
 * rendering it needs). It is a budget, not a proof: nodemailer's SMTP_TIMEOUT_MS bounds each
 * step of a conversation, not the whole, so a server that answers every step slowly can
 * outlast it, and the mail may then go twice, with the same Message-ID.
 * mail-lease.timing.spec.ts checks the arithmetic; {@link mailLeaseTimingFlaws} checks, at
 * boot, that a fresh lease leaves room for one send.
 */

/** How long a sent mail's record waits for the others of its burst (one write for them all). */
export const SENT_RECORD_WAIT_MS = 200;
/** Of a lease, what a send must leave for writing its record: its burst's wait and one write. */
export const RECORD_MARGIN_MS = 500;
/** Scans triggered by a replica's own due times are at least this far apart. */
export const MIN_SCAN_GAP_MS = 1_000;

/** What one send takes of a lease at most: the conversation, then the write of its record. */
function sendBudgetMs(env: { SMTP_TIMEOUT_MS: number }): number {
  return env.SMTP_TIMEOUT_MS + RECORD_MARGIN_MS;
}

/** Whether a send may start now on a mail whose lease ends at `leaseEnd` (ms). */
export function maySend(leaseEnd: number, now: number, env: { SMTP_TIMEOUT_MS: number }): boolean {
  return leaseEnd - now >= sendBudgetMs(env);
}

/** What of the environment the timing depends on. */
export interface MailLeaseEnv {
  MAIL_LEASE_MS: number;
  SMTP_TIMEOUT_MS: number;
}

/**
 * The orderings the lease relies on, each named by the variable that breaks it (none when all
 * hold): a mail claimed now can be sent and recorded inside its lease.
 */
export function mailLeaseTimingFlaws(env: MailLeaseEnv): TimingFlaw<keyof MailLeaseEnv>[] {
  return env.MAIL_LEASE_MS > sendBudgetMs(env)
    ? []
    : [
        {
          variable: 'MAIL_LEASE_MS',
          message: `must be longer than SMTP_TIMEOUT_MS + ${RECORD_MARGIN_MS} ms (a send and the write of its record must end before the lease)`,
        },
      ];
}
