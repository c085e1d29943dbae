import { Counter } from 'prom-client';
import { metricsRegistry } from '@slotbook/runtime';

export const mailSendsTotal = new Counter({
  name: 'slotbook_mail_sends_total',
  help: 'Mail sends, by outcome (sent, retry, failed, dropped, left: too little lease left to send)',
  labelNames: ['outcome'] as const,
  registers: [metricsRegistry],
});
