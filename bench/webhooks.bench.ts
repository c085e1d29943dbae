/**
 * Webhook delivery under load (issue 10, docs/benchmarks.md): BENCH_BOOKINGS bookings (default
 * 1,000) created as fast as the platform takes them, with 10 ADMIN subscriptions to
 * `booking.created`, each on its own local HTTP receiver. Measured per delivery: the delay from
 * the event's `occurredAt` to its first receipt (p50/p95/p99/max), and that every event reached
 * every receiver. A second run does the same with one receiver that never answers: the other
 * nine must be unaffected.
 *
 *   AMQP_URL=... REDIS_URL=... MONGO_URL=... npm run bench:webhooks
 *   BENCH_BOOKINGS=200 BENCH_CONCURRENCY=32 npm run bench:webhooks
 */
import amqplib from 'amqplib';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { BOOKING_EXCHANGE, BookingCreated } from '@slotbook/contracts';
import {
  ApiClient,
  Platform,
  WebhookReceiver,
  hostWithRange,
  slotAt,
  uniqueEmail,
  type HostFixture,
} from '@slotbook/testing';
import { percentiles } from './stats';

const BOOKINGS = Number(process.env.BENCH_BOOKINGS ?? 1_000);
/**
 * Creates in flight. 16 already reach the platform's full rate on a 2-core machine; 32 make no
 * more bookings per second, only a longer queue inside each create (which `occurredAt`, stamped
 * when a create starts, counts as delay): docs/benchmarks.md has both.
 */
const CONCURRENCY = Number(process.env.BENCH_CONCURRENCY ?? 16);
const SUBSCRIPTIONS = 10;
const HOSTS = 20;
const SLOTS_PER_HOST = Math.ceil((2 * BOOKINGS) / HOSTS) + 1;
const WAIT_MS = Number(process.env.BENCH_WAIT_MS ?? 120_000);

interface RunResult {
  label: string;
  bookings: number;
  createSeconds: number;
  bookingsPerSecond: number;
  /** Per answering receiver: events received (distinct) out of the bookings made. */
  completeness: number[];
  delayMs: { p50: number; p95: number; p99: number; max: number };
  /** From `occurredAt` to the event's arrival at a plain AMQP subscriber (upstream of webhooks). */
  brokerDelayMs: { p50: number; p95: number; p99: number; max: number };
  /** From the event's arrival at that subscriber to its webhook receipt (the webhooks service). */
  webhooksDelayMs: { p50: number; p95: number; p99: number; max: number };
  /** CPU seconds the webhooks service spent during the run (user + system). */
  webhooksCpuSeconds: number;
  lastReceiptAfterCreatesMs: number;
  deadReceiverAttempts?: number;
}

/** User + system CPU seconds of a process so far, from /proc. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

async function main(): Promise<void> {
  const platform = await new Platform({
    replicas: { webhooks: 1 },
    env: {
      webhooks: {
        WEBHOOK_ALLOW_PRIVATE_URLS: 'true',
        LOG_LEVEL: 'warn',
        SLOTBOOK_NODE_ARGS: process.env.BENCH_NODE_ARGS ?? '',
      },
    },
  }).start();
  const api = new ApiClient(platform.gatewayUrl);
  // A plain AMQP subscriber beside the webhooks service: when each event left the broker.
  const brokerSeenAt = new Map<string, number>();
  const amqp = await amqplib.connect(process.env.AMQP_URL ?? '');
  const channel = await amqp.createChannel();
  const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
  await channel.bindQueue(queue, BOOKING_EXCHANGE, BookingCreated.type);
  await channel.consume(
    queue,
    (message) => {
      if (message) brokerSeenAt.set(String(message.properties.messageId), Date.now());
    },
    { noAck: true },
  );
  try {
    const admin = await api.login(platform.adminEmail, platform.adminPassword);
    const hosts: HostFixture[] = [];
    for (let i = 0; i < HOSTS; i += 1)
      hosts.push(await hostWithRange(api, { slots: SLOTS_PER_HOST, slotMinutes: 5 }));
    const guests: string[] = [];
    for (let i = 0; i < 16; i += 1)
      guests.push((await api.signUp({ email: uniqueEmail('wh-bench') })).accessToken);
    let nextSlot = 0;
    const takeSlot = () => {
      const n = nextSlot;
      nextSlot += 1;
      return { host: hosts[n % HOSTS], index: Math.floor(n / HOSTS) };
    };

    const run = async (label: string, deadReceiver: boolean): Promise<RunResult> => {
      const receivers = await Promise.all(
        Array.from({ length: SUBSCRIPTIONS }, (_, i) =>
          new WebhookReceiver(() => (deadReceiver && i === 0 ? 'hang' : 200)).start(),
        ),
      );
      const ids: string[] = [];
      for (const receiver of receivers) {
        // The service may still be catching up with the previous run: wait for it.
        let created = await api.post('/webhooks', {
          token: admin.accessToken,
          body: { url: receiver.url, events: [BookingCreated.type] },
        });
        for (let tries = 0; created.status === 503 && tries < 30; tries += 1)
          created = await api.post('/webhooks', {
            token: admin.accessToken,
            body: { url: receiver.url, events: [BookingCreated.type] },
          });
        if (created.status !== 201) throw new Error(`subscribe: ${created.status} ${created.text}`);
        ids.push(created.body.id);
      }
      const answering = deadReceiver ? receivers.slice(1) : receivers;
      const made = new Set<string>();
      const cpuAtRunStart = cpuSeconds(platform.replicas.webhooks[0].pid);
      const started = Date.now();
      let failures = 0;
      let requested = 0;
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async (_, worker) => {
          for (;;) {
            if (requested >= BOOKINGS) return;
            requested += 1;
            const { host, index } = takeSlot();
            const answer = await api.post('/bookings', {
              token: guests[worker % guests.length],
              body: { hostId: host.hostId, startTime: slotAt(host, index) },
              headers: { 'Idempotency-Key': randomUUID() },
            });
            if (answer.status === 201) made.add(answer.body.id);
            else failures += 1;
          }
        }),
      );
      const createSeconds = (Date.now() - started) / 1000;
      const cpuAtStart = cpuAtRunStart;
      const createsDone = Date.now();
      const distinct = (receiver: WebhookReceiver) =>
        new Set(receiver.ofType(BookingCreated.type).map((d) => d.event.data.id as string));
      const deadline = Date.now() + WAIT_MS;
      while (
        answering.some((receiver) => [...made].some((id) => !distinct(receiver).has(id))) &&
        Date.now() < deadline
      )
        await new Promise((resolve) => setTimeout(resolve, 250));
      const webhooksCpu = cpuSeconds(platform.replicas.webhooks[0].pid) - cpuAtStart;
      const delays: number[] = [];
      const brokerDelays: number[] = [];
      const serviceDelays: number[] = [];
      let lastReceipt = 0;
      for (const receiver of answering) {
        const first = new Map<string, number>();
        for (const delivery of receiver.ofType(BookingCreated.type)) {
          const id = delivery.event.id as string;
          if (!made.has(delivery.event.data.id) || first.has(id)) continue;
          first.set(id, delivery.receivedAt - Date.parse(delivery.event.occurredAt));
          const seen = brokerSeenAt.get(id);
          if (seen !== undefined) {
            brokerDelays.push(seen - Date.parse(delivery.event.occurredAt));
            serviceDelays.push(delivery.receivedAt - seen);
          }
          lastReceipt = Math.max(lastReceipt, delivery.receivedAt);
        }
        delays.push(...first.values());
      }
      const result: RunResult = {
        label,
        bookings: made.size,
        createSeconds: Math.round(createSeconds * 10) / 10,
        bookingsPerSecond: Math.round(made.size / createSeconds),
        completeness: answering.map(
          (receiver) => [...made].filter((id) => distinct(receiver).has(id)).length,
        ),
        delayMs: percentiles(delays),
        brokerDelayMs: percentiles(brokerDelays),
        webhooksDelayMs: percentiles(serviceDelays),
        webhooksCpuSeconds: Math.round(webhooksCpu * 10) / 10,
        lastReceiptAfterCreatesMs: lastReceipt - createsDone,
        ...(deadReceiver ? { deadReceiverAttempts: receivers[0].received.length } : {}),
      };
      for (const id of ids) await api.delete(`/webhooks/${id}`, { token: admin.accessToken });
      await Promise.all(receivers.map((receiver) => receiver.stop()));
      if (failures > 0) process.stderr.write(`${label}: ${failures} creates failed\n`);
      return result;
    };

    const results = [await run('10 answering receivers', false)];
    process.stderr.write(`${JSON.stringify(results[0])}\n`);
    results.push(await run('1 receiver never answers, 9 answer', true));
    process.stdout.write(`${JSON.stringify(results, null, 2)}\n`);
    if (process.env.BENCH_SHOW_LOGS === '1')
      process.stderr.write(`webhooks service log:\n${platform.logs('webhooks').slice(-6000)}\n`);
  } catch (error) {
    process.stderr.write(`webhooks service log:\n${platform.logs('webhooks')}\n`);
    throw error;
  } finally {
    await amqp.close().catch(() => undefined);
    await platform.stop();
  }
}

void main().catch((error: unknown) => {
  process.stderr.write(
    `${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
  );
  process.exit(1);
});
