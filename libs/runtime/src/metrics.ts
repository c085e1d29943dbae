import { Controller, Get, Header } from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process, with Node's default metrics. */
export const metricsRegistry = new Registry();
collectDefaultMetrics({ register: metricsRegistry });

export const busCommandsTotal = new Counter({
  name: 'slotbook_bus_commands_total',
  help: 'Commands handled from the bus, by pattern and outcome',
  labelNames: ['pattern', 'outcome'] as const,
  registers: [metricsRegistry],
});

export const busCommandSeconds = new Histogram({
  name: 'slotbook_bus_command_seconds',
  help: 'Time to handle a command from the bus',
  labelNames: ['pattern'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const eventsPublishedTotal = new Counter({
  name: 'slotbook_events_published_total',
  help: 'Domain events confirmed by the broker, by type',
  labelNames: ['type'] as const,
  registers: [metricsRegistry],
});

@Controller()
export class MetricsController {
  @Get('metrics')
  @Header('Content-Type', metricsRegistry.contentType)
  metrics(): Promise<string> {
    return metricsRegistry.metrics();
  }
}

export const httpRequestSeconds = new Histogram({
  name: 'slotbook_http_request_seconds',
  help: 'HTTP requests by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});
