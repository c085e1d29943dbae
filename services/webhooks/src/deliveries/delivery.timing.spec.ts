import { WebhooksEnv } from '../config';
import { FIRST_ANSWER_WAIT_MS, SLOT_WAIT_MS, deliveryLeaseMs } from './delivery.timing';

const timeouts = WebhooksEnv.shape.WEBHOOK_TIMEOUT_MS;

describe('the timing of webhook deliveries', () => {
  it.each([100, 10_000, 60_000])(
    'ends an attempt started before its delivery was stored inside the stored lease, with time to record it (WEBHOOK_TIMEOUT_MS %i)',
    (timeoutMs) => {
      expect(timeouts.safeParse(timeoutMs).success).toBe(true);
      const started = 0;
      // Stored at the latest after the first answers' wait, leased from then.
      for (const storedAt of [started, started + FIRST_ANSWER_WAIT_MS]) {
        const leaseEnd = storedAt + deliveryLeaseMs({ WEBHOOK_TIMEOUT_MS: timeoutMs });
        const attemptEnd = started + timeoutMs;
        expect(leaseEnd - attemptEnd).toBeGreaterThanOrEqual(FIRST_ANSWER_WAIT_MS);
      }
    },
  );

  it('gives up waiting for a slot before the first answers are stored', () => {
    expect(SLOT_WAIT_MS).toBeLessThan(FIRST_ANSWER_WAIT_MS);
  });
});
