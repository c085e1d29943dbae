import {
  createServer,
  type IncomingHttpHeaders,
  type Server,
  type ServerResponse,
} from 'node:http';

export interface ReceivedDelivery {
  headers: IncomingHttpHeaders;
  /** The raw body, exactly as it arrived (what the signature covers). */
  body: string;
  /** The parsed envelope. */
  event: any;
  receivedAt: number;
  /** What the receiver answered: a status, or `hang` (never answered). */
  answer: number | 'hang';
}

/** How the receiver answers its n-th request (from 1): a status, or `hang` to never answer. */
export type Answering = (request: { n: number; event: any }) => number | 'hang';

/**
 * The webhooks service's env for specs with a `WebhookReceiver`: private URLs allowed (the
 * receiver is on 127.0.0.1), a retry every `retryScheduleMs`, and due deliveries looked for
 * every 100 ms, so a retry story fits in a test's seconds.
 */
export function webhooksEnvForReceivers(retryScheduleMs: number): Record<string, string> {
  return {
    WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
    WEBHOOK_RETRY_SCHEDULE_MS: String(retryScheduleMs),
    WEBHOOK_POLL_INTERVAL_MS: '100',
  };
}

/**
 * A webhook endpoint for tests: an HTTP server on 127.0.0.1 that records every delivery and
 * answers as told (200 by default). The platform must run with WEBHOOK_ALLOW_PRIVATE_URLS=true
 * to send to it.
 */
export class WebhookReceiver {
  readonly received: ReceivedDelivery[] = [];
  private server?: Server;
  private readonly hanging = new Set<ServerResponse>();

  constructor(public answering: Answering = () => 200) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const body = Buffer.concat(chunks).toString('utf8');
        let event: any = null;
        try {
          event = JSON.parse(body);
        } catch {
          event = null;
        }
        const answer = this.answering({ n: this.received.length + 1, event });
        this.received.push({
          headers: request.headers,
          body,
          event,
          receivedAt: Date.now(),
          answer,
        });
        if (answer === 'hang') {
          this.hanging.add(response);
          return;
        }
        response.statusCode = answer;
        if (answer >= 300 && answer < 400) response.setHeader('location', 'http://127.0.0.1:9/');
        response.end(answer === 200 ? 'ok' : `answered ${answer}`);
      });
    });
    this.server.keepAliveTimeout = 60_000;
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', () => resolve()));
    return this;
  }

  get url(): string {
    const address = this.server?.address();
    if (!address || typeof address === 'string') throw new Error('the receiver is not listening');
    return `http://127.0.0.1:${address.port}/hook`;
  }

  /** The deliveries of events of `type` (or all). */
  ofType(type?: string): ReceivedDelivery[] {
    return this.received.filter((delivery) => type === undefined || delivery.event?.type === type);
  }

  /** Waits until `predicate` holds for what has arrived, or fails after `timeoutMs`. */
  async waitFor(
    predicate: (received: ReceivedDelivery[]) => boolean,
    timeoutMs = 15_000,
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate(this.received)) {
      if (Date.now() > deadline)
        throw new Error(
          `deliveries did not arrive in time; got ${JSON.stringify(this.received.map((d) => d.event?.type))}`,
        );
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  async stop(): Promise<void> {
    for (const response of this.hanging) response.destroy();
    this.hanging.clear();
    const server = this.server;
    if (!server) return;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
