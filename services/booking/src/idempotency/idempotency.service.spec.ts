import { IDEMPOTENCY_WINDOW_MS, dayOf, expiredDays } from './idempotency.service';

describe('idempotency key expiry by day', () => {
  it('files a key under its UTC day', () => {
    expect(dayOf(new Date('2031-03-01T23:59:59.999Z'))).toBe('2031-03-01');
    expect(dayOf(new Date('2031-03-02T00:30:00+01:00'))).toBe('2031-03-01');
  });

  it('purges a day only once its newest possible key has outlived the window', () => {
    const now = new Date('2031-03-10T00:00:00Z');
    const days = expiredDays(now, 3);
    expect(days).toEqual(['2031-03-08', '2031-03-07', '2031-03-06']);
    // The last instant of the newest purged day is older than the window.
    const lastOfNewest = new Date('2031-03-08T23:59:59.999Z').getTime();
    expect(now.getTime() - lastOfNewest).toBeGreaterThan(IDEMPOTENCY_WINDOW_MS);
    // The day after it still holds keys younger than the window.
    const lastOfNext = new Date('2031-03-09T23:59:59.999Z').getTime();
    expect(now.getTime() - lastOfNext).toBeLessThan(IDEMPOTENCY_WINDOW_MS);
  });
});
