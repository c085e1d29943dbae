import { Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process, with Node's default metrics. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });
