import { createServer, type Server } from 'node:http';
import {
  Inject,
  Injectable,
  Logger,
  Module,
  type DynamicModule,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** One registry per process, with Node's default metrics. */
export const metricsRegistry = new Registry();
// The event-loop delay is sampled once a second: prom-client's default (every 10 ms) costs an
// idle process ~7 ms of CPU per second.
collectDefaultMetrics({ register: metricsRegistry, eventLoopMonitoringPrecision: 1_000 });

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

export const httpRequestSeconds = new Histogram({
  name: 'slotbook_http_request_seconds',
  help: 'HTTP requests by method, route and status',
  labelNames: ['method', 'route', 'status'] as const,
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

export const METRICS_PORT = Symbol('METRICS_PORT');

/**
 * Serves the registry as Prometheus text at `GET /metrics` on a port of its own
 * (`METRICS_PORT`), never on the service's API port: per-route counts, heap and versions are
 * for the operator's scraper, not for whoever can reach the API. Every other path is 404.
 */
@Injectable()
export class MetricsServer implements OnApplicationBootstrap, OnApplicationShutdown {
  private server?: Server;

  constructor(@Inject(METRICS_PORT) private readonly port: number) {}

  async onApplicationBootstrap(): Promise<void> {
    const server = createServer((request, response) => {
      const path = (request.url ?? '').split('?')[0];
      if (path !== '/metrics' || (request.method !== 'GET' && request.method !== 'HEAD')) {
        response.writeHead(404, { 'content-type': 'text/plain; charset=utf-8' }).end('not found\n');
        return;
      }
      metricsRegistry.metrics().then(
        (body) => {
          response.writeHead(200, { 'content-type': metricsRegistry.contentType }).end(body);
        },
        () => {
          response
            .writeHead(500, { 'content-type': 'text/plain; charset=utf-8' })
            .end('metrics could not be collected\n');
        },
      );
    });
    // A port that is taken stops the service at start, like a bad setting would.
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    new Logger(MetricsServer.name).log(`Prometheus metrics on :${this.port}/metrics`);
  }

  async onApplicationShutdown(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }
}

/** The metrics port of a service: import it with the port from the service's config. */
@Module({})
export class MetricsModule {
  static forRoot(port: number): DynamicModule {
    return {
      module: MetricsModule,
      providers: [{ provide: METRICS_PORT, useValue: port }, MetricsServer],
    };
  }
}
