import {
  DUE_BUCKET_MS,
  dueBucketOf,
  meaningOf,
  nextAttemptAt,
  retryDelayMs,
  type RetryPolicy,
} from './delivery-rules';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DEFAULT: RetryPolicy = {
  scheduleMs: [30_000, 2 * MINUTE, 10 * MINUTE, HOUR, 3 * HOUR, 6 * HOUR],
  jitter: 0.2,
};
const middle = () => 0.5;

describe('the retry schedule', () => {
  it('waits about 30 s, 2 min, 10 min, 1 h, 3 h, 6 h, then 6 h again', () => {
    expect([1, 2, 3, 4, 5, 6, 7, 8].map((n) => retryDelayMs(n, DEFAULT, middle))).toEqual([
      30_000,
      2 * MINUTE,
      10 * MINUTE,
      HOUR,
      3 * HOUR,
      6 * HOUR,
      6 * HOUR,
      6 * HOUR,
    ]);
  });

  it('jitters each wait by at most ±20 %', () => {
    expect(retryDelayMs(1, DEFAULT, () => 0)).toBe(24_000);
    expect(retryDelayMs(1, DEFAULT, () => 0.999999)).toBe(36_000);
    for (let i = 0; i < 200; i += 1) {
      const delay = retryDelayMs(2, DEFAULT);
      expect(delay).toBeGreaterThanOrEqual(96_000);
      expect(delay).toBeLessThanOrEqual(144_000);
    }
  });

  it('retries for 24 hours, then gives up', () => {
    const created = new Date('2026-01-01T00:00:00Z');
    const until = new Date(created.getTime() + 24 * HOUR);
    let now = created;
    let attempts = 0;
    const times: number[] = [];
    for (;;) {
      attempts += 1;
      const next = nextAttemptAt(attempts, now, until, DEFAULT, middle);
      if (next === null) break;
      times.push(next.getTime() - created.getTime());
      now = next;
    }
    // 30 s, 2.5 min, 12.5 min, 1 h 12.5 min, 4 h 12.5 min, 10 h 12.5 min, 16 h 12.5 min, 22 h 12.5 min
    expect(times).toHaveLength(8);
    expect(times[times.length - 1]).toBeLessThanOrEqual(24 * HOUR);
    expect(attempts).toBe(9);
  });

  it('is configurable (tests use short waits)', () => {
    expect(retryDelayMs(1, { scheduleMs: [100, 200], jitter: 0 })).toBe(100);
    expect(retryDelayMs(5, { scheduleMs: [100, 200], jitter: 0 })).toBe(200);
  });
});

describe("what a receiver's answer means", () => {
  it('is a success for any 2xx', () => {
    expect([200, 201, 202, 204, 299].map(meaningOf)).toEqual(Array(5).fill('succeeded'));
  });

  it('deactivates on 410 Gone', () => {
    expect(meaningOf(410)).toBe('gone');
  });

  it('retries anything else, redirects and no answer included', () => {
    expect([null, 301, 302, 307, 400, 404, 429, 500, 503].map(meaningOf)).toEqual(
      Array(9).fill('retry'),
    );
  });
});

describe('due buckets', () => {
  it('put instants of one 10-second window together', () => {
    const start = new Date(Math.floor(Date.now() / DUE_BUCKET_MS) * DUE_BUCKET_MS);
    expect(dueBucketOf(start)).toBe(dueBucketOf(new Date(start.getTime() + DUE_BUCKET_MS - 1)));
    expect(dueBucketOf(new Date(start.getTime() + DUE_BUCKET_MS))).toBe(dueBucketOf(start) + 1);
  });
});
