import {
  RECORD_MARGIN_MS,
  SENT_RECORD_WAIT_MS,
  mailLeaseTimingFlaws,
  maySend,
} from './mail-lease.timing';

/**
 * A replica holds a mail's lease from 0 to `lease` and starts its send at `start` (if the
 * rule lets it), the send taking up to SMTP_TIMEOUT_MS and its record up to RECORD_MARGIN_MS.
 * Another replica claims the mail as soon as the lease ends, unless it is recorded as sent.
 * Answers the start times at which both replicas send it (no crash anywhere).
 */
function sentTwice(
  env: { MAIL_LEASE_MS: number; SMTP_TIMEOUT_MS: number },
  rule: (leaseEnd: number, now: number) => boolean,
): number[] {
  const twice: number[] = [];
  const step = 50;
  for (let start = 0; start <= env.MAIL_LEASE_MS; start += step) {
    if (!rule(env.MAIL_LEASE_MS, start)) continue;
    for (let send = 0; send <= env.SMTP_TIMEOUT_MS; send += step) {
      for (let record = 0; record <= RECORD_MARGIN_MS; record += step) {
        const recordedAt = start + send + record;
        if (recordedAt > env.MAIL_LEASE_MS) twice.push(start);
      }
    }
  }
  return [...new Set(twice)];
}

describe('the lease of a mail being sent', () => {
  const env = { MAIL_LEASE_MS: 3_000, SMTP_TIMEOUT_MS: 2_000 };

  it('is never claimed again before its send is recorded, wherever in the lease the send starts', () => {
    expect(sentTwice(env, (leaseEnd, now) => maySend(leaseEnd, now, env))).toEqual([]);
  });

  it('needs room for the record, not only for the send', () => {
    const sendOnly = (leaseEnd: number, now: number) => leaseEnd - now >= env.SMTP_TIMEOUT_MS;
    expect(sentTwice(env, sendOnly).length).toBeGreaterThan(0);
  });

  it('leaves room in the margin for a record’s burst', () => {
    expect(SENT_RECORD_WAIT_MS).toBeLessThan(RECORD_MARGIN_MS);
  });

  it('refuses, at boot, a lease too short for one send and its record', () => {
    expect(mailLeaseTimingFlaws(env)).toEqual([]);
    const tight = { MAIL_LEASE_MS: 2_000 + RECORD_MARGIN_MS, SMTP_TIMEOUT_MS: 2_000 };
    expect(mailLeaseTimingFlaws(tight).map((flaw) => flaw.variable)).toEqual(['MAIL_LEASE_MS']);
  });
});
