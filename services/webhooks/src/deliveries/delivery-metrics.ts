import { Counter, Histogram } from 'prom-client';
import { metricsRegistry } from '@slotbook/runtime';

export const webhookAttemptsTotal = new Counter({
  name: 'slotbook_webhook_attempts_total',
  help: 'Webhook delivery attempts, by outcome (succeeded, gone, retry, failed)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});

export const webhookAttemptSeconds = new Histogram({
  name: 'slotbook_webhook_attempt_seconds',
  help: 'Time a receiver took to answer one attempt',
  buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
  registers: [metricsRegistry],
});
